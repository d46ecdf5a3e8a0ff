import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customer, page, sessionRoutes, staffUser } from '../../../test/fixtures.js';
import { startServer } from '../../../test/httpServer.js';
import { renderApp } from '../../../test/renderApp.jsx';

const order = (id, status) => ({
  id, status, user: 7, user_email: 'ann@example.com', total: '19.00', currency: 'usd', created_at: '2026-11-20T09:00:00Z',
  items: [{ id, product: 3, product_name: 'Desk Lamp', unit_price: '19.00', quantity: 1 }],
});

let server;
afterEach(() => server.close());

describe('staff orders', () => {
  beforeEach(async () => {
    server = await startServer({
      ...sessionRoutes(staffUser),
      'GET /api/orders': () => [200, page([order(2, 'paid'), order(1, 'cancelled')])],
      'PATCH /api/orders/2/status': ({ body }) => [200, { ...order(2, body.status), delivered_at: '2026-11-23T12:00:00Z' }],
    });
  });

  it('marks a paid order delivered and offers nothing for a cancelled one', async () => {
    const user = userEvent.setup();
    renderApp('/manage/orders', { server, session: true });
    const row = (await screen.findByRole('link', { name: '#2' })).closest('tr');
    expect(within(row).getByText('ann@example.com')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Mark delivered, order 1' })).not.toBeInTheDocument();

    await user.click(within(row).getByRole('button', { name: 'Mark delivered, order 2' }));
    expect(await screen.findByText('Order #2 is marked delivered.')).toBeInTheDocument();
    expect(within(row).getByText('Delivered')).toBeInTheDocument();
    expect(server.callsTo('PATCH /api/orders/2/status')[0].body).toEqual({ status: 'delivered' });
  });

  it('shows staff links in the navigation', async () => {
    renderApp('/', { server, session: true });
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(await within(nav).findByRole('link', { name: 'All orders' })).toBeInTheDocument();
    expect(within(nav).getByRole('link', { name: 'New product' })).toBeInTheDocument();
  });
});

describe('customers', () => {
  it('cannot use the staff pages', async () => {
    server = await startServer(sessionRoutes(customer));
    renderApp('/manage/orders', { server, session: true });
    expect(await screen.findByRole('heading', { name: 'Staff only' })).toBeInTheDocument();
    expect(server.callsTo('GET /api/orders')).toHaveLength(0);
    expect(screen.queryByRole('link', { name: 'All orders' })).not.toBeInTheDocument();
  });
});
