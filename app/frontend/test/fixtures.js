import { fakeJwt } from './httpServer.js';

export const products = [
  { id: 1, name: 'Trail Laptop', description: 'Light and fast.', price: '1249.99', stock: 3, image: null },
  { id: 2, name: 'Studio Headphones', description: 'Closed back.', price: '89.50', stock: 12, image: null },
  { id: 3, name: 'Desk Lamp', description: 'Warm light.', price: '19.00', stock: 0, image: null },
];

export const page = (results) => ({ count: results.length, next: null, previous: null, results });

export const customer = { id: 7, email: 'ann@example.com', first_name: 'Ann', last_name: 'Lee', is_staff: false };
export const staffUser = { ...customer, id: 1, email: 'staff@example.com', is_staff: true };

// Routes a logged-in session needs: the refresh exchange and the profile.
export function sessionRoutes(user = customer) {
  return {
    'POST /api/auth/token/refresh': () => [200, { access: fakeJwt(300), refresh: 'refresh-token' }],
    'GET /api/account': () => [200, user],
  };
}
