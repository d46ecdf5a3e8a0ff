import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { products, sessionRoutes } from '../../test/fixtures.js';
import { startServer } from '../../test/httpServer.js';
import { renderApp, savedCart } from '../../test/renderApp.jsx';

const address = { id: 11, name: 'Ann Lee', phone_number: '5550100', line1: '1 Main St', landmark: '', city: 'Springfield', state: 'IL', postal_code: '62701', country: 'US' };
const visa = { id: 21, brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030 };
const declined = { id: 22, brand: 'visa', last4: '0002', exp_month: 12, exp_year: 2030 };
const cart = [
  { ...products[0], quantity: 1 },
  { ...products[1], quantity: 2 },
];

let server;
beforeEach(async () => {
  server = await startServer({
    ...sessionRoutes(),
    'GET /api/addresses': () => [200, [address]],
    'GET /api/cards': () => [200, [visa, declined]],
  });
});
afterEach(() => server.close());

describe('checkout', () => {
  it('sends only product ids and quantities, then shows the paid order and empties the cart', async () => {
    const order = {
      id: 501, status: 'paid', total: '1428.99', currency: 'usd', shipping_address: '1 Main St, Springfield',
      card_brand: 'visa', card_last4: '4242', created_at: '2026-11-23T10:00:00Z', paid_at: '2026-11-23T10:00:01Z',
      items: [{ id: 1, product: 1, product_name: 'Trail Laptop', unit_price: '1249.99', quantity: 1 }, { id: 2, product: 2, product_name: 'Studio Headphones', unit_price: '89.50', quantity: 2 }],
    };
    server.route('POST /api/checkout', () => [201, order]);
    server.route('GET /api/orders/501', () => [200, order]);
    const user = userEvent.setup();
    const { cartStorage } = renderApp('/checkout', { server, session: true, cart });

    const pay = await screen.findByRole('button', { name: 'Pay $1,428.99' });
    await waitFor(() => expect(pay).toBeEnabled());
    await user.click(pay);

    expect(await screen.findByRole('heading', { name: 'Order 501' })).toBeInTheDocument();
    expect(screen.getByText(/Your payment went through/)).toBeInTheDocument();
    expect(screen.getByTestId('payment-status')).toHaveTextContent(/Paid .* with Visa ending 4242/);
    expect(server.callsTo('POST /api/checkout')[0].body).toEqual({
      items: [
        { product_id: 1, quantity: 1 },
        { product_id: 2, quantity: 2 },
      ],
      address_id: 11,
      card_id: 21,
    });
    expect(savedCart(cartStorage)).toEqual([]);
  });

  it('explains a declined card, keeps the cart and lets the shopper pick another card', async () => {
    server.route('POST /api/checkout', () => [402, { code: 'card_declined', decline_code: 'insufficient_funds', detail: 'The card was declined.' }]);
    const user = userEvent.setup();
    const { cartStorage } = renderApp('/checkout', { server, session: true, cart });

    await user.click(await screen.findByRole('radio', { name: /ending 0002/ }));
    await user.click(screen.getByRole('button', { name: /^Pay/ }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Payment declined. Your card was declined (insufficient funds). No money was taken and no order was placed.');
    expect(server.callsTo('POST /api/checkout')[0].body.card_id).toBe(22);
    expect(savedCart(cartStorage)).toHaveLength(2);
    expect(screen.getByRole('button', { name: /^Pay/ })).toBeEnabled();
  });

  it('sends an Idempotency-Key and the same one again when the shopper retries after a lost answer', async () => {
    const order = {
      id: 502, status: 'paid', total: '1428.99', currency: 'usd', shipping_address: '1 Main St, Springfield',
      card_brand: 'visa', card_last4: '4242', created_at: '2026-11-23T10:00:00Z', paid_at: '2026-11-23T10:00:01Z', items: [],
    };
    const answers = [
      [503, { code: 'database_unavailable', detail: 'The shop\'s database is unavailable; retry in a few seconds.' }],
      [201, order],
    ];
    server.route('POST /api/checkout', () => answers.shift());
    server.route('GET /api/orders/502', () => [200, order]);
    const user = userEvent.setup();
    renderApp('/checkout', { server, session: true, cart });
    const pay = await screen.findByRole('button', { name: /^Pay/ });
    await waitFor(() => expect(pay).toBeEnabled());
    await user.click(pay);

    expect(await screen.findByRole('alert')).toHaveTextContent('Your order is not confirmed yet.');
    expect(screen.getByRole('alert')).toHaveTextContent('you are never charged twice');
    await user.click(screen.getByRole('button', { name: /^Pay/ }));
    expect(await screen.findByRole('heading', { name: 'Order 502' })).toBeInTheDocument();

    const keys = server.callsTo('POST /api/checkout').map((call) => call.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it('starts a new attempt with a new key when the shopper changes the card before retrying', async () => {
    server.route('POST /api/checkout', () => [503, { code: 'database_unavailable', detail: 'Retry in a few seconds.' }]);
    const user = userEvent.setup();
    renderApp('/checkout', { server, session: true, cart });
    const pay = await screen.findByRole('button', { name: /^Pay/ });
    await waitFor(() => expect(pay).toBeEnabled());
    await user.click(pay);
    await screen.findByRole('alert');
    await user.click(screen.getByRole('radio', { name: /ending 0002/ }));
    await user.click(screen.getByRole('button', { name: /^Pay/ }));
    await waitFor(() => expect(server.callsTo('POST /api/checkout')).toHaveLength(2));

    const [first, second] = server.callsTo('POST /api/checkout').map((call) => call.headers['idempotency-key']);
    expect(first).toBeTruthy();
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
  });

  it('names the products that ran out of stock', async () => {
    server.route('POST /api/checkout', () => [409, { code: 'out_of_stock', detail: 'Not enough stock for product id(s): 1', available: { 1: 0 } }]);
    const user = userEvent.setup();
    renderApp('/checkout', { server, session: true, cart });
    const pay = await screen.findByRole('button', { name: /^Pay/ });
    await waitFor(() => expect(pay).toBeEnabled());
    await user.click(pay);
    expect(await screen.findByRole('alert')).toHaveTextContent('Not enough stock. Trail Laptop: only 0 left. Lower the quantities');
  });

  it('sends a logged-out shopper to the login page and back to checkout afterwards', async () => {
    server.route('POST /api/auth/token', () => [200, { access: 'a.b.c', refresh: 'refresh-token' }]);
    const user = userEvent.setup();
    renderApp('/checkout', { server, cart });
    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeInTheDocument();
    await user.type(screen.getByLabelText('Email'), 'ann@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('heading', { name: 'Checkout' })).toBeInTheDocument();
    expect(server.callsTo('POST /api/auth/token')[0].body).toEqual({ email: 'ann@example.com', password: 'correct horse' });
  });

  it('tells the shopper when the login is wrong', async () => {
    server.route('POST /api/auth/token', () => [401, { detail: 'No active account found with the given credentials' }]);
    const user = userEvent.setup();
    renderApp('/login', { server });
    await user.type(screen.getByLabelText('Email'), 'ann@example.com');
    await user.type(screen.getByLabelText('Password'), 'nope');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not log in. Email or password is wrong.');
  });
});
