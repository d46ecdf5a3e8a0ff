import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer } from '../../test/httpServer.js';
import { page, products } from '../../test/fixtures.js';
import { renderApp, savedCart } from '../../test/renderApp.jsx';

let server;
beforeEach(async () => {
  server = await startServer({
    'GET /api/products': ({ url }) => {
      const search = (url.searchParams.get('search') ?? '').toLowerCase();
      return [200, page(products.filter((p) => p.name.toLowerCase().includes(search)))];
    },
  });
});
afterEach(() => server.close());

describe('catalogue', () => {
  it('lists products with price and stock, and sold-out products cannot be added', async () => {
    renderApp('/', { server });
    expect(screen.getByRole('status')).toHaveTextContent(/Loading products/);
    const laptop = (await screen.findByRole('link', { name: 'Trail Laptop' })).closest('li');
    expect(screen.getByText('3 products')).toBeInTheDocument();
    expect(within(laptop).getByText('$1,249.99')).toBeInTheDocument();
    expect(within(laptop).getByText('Only 3 left')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sold out: Desk Lamp' })).toBeDisabled();
  });

  it('adds to the cart up to the stock and shows the count in the header', async () => {
    const user = userEvent.setup();
    const { cartStorage } = renderApp('/', { server });
    const add = await screen.findByRole('button', { name: 'Add to cart: Trail Laptop' });
    await user.click(add);
    await user.click(screen.getByRole('button', { name: 'Add to cart: Trail Laptop' }));
    await user.click(screen.getByRole('button', { name: 'Add to cart: Trail Laptop' }));
    expect(screen.getByRole('button', { name: 'All in cart: Trail Laptop' })).toBeDisabled();
    expect(screen.getByRole('link', { name: /^Cart \(3\)/ })).toBeInTheDocument();
    expect(savedCart(cartStorage)).toMatchObject([{ id: 1, quantity: 3 }]);
  });

  it('searches and explains when nothing matches', async () => {
    const user = userEvent.setup();
    renderApp('/', { server });
    const box = await screen.findByRole('searchbox', { name: 'Search products' });
    await user.type(box, 'head{Enter}');
    expect(await screen.findByRole('heading', { name: 'Results for “head”' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Studio Headphones' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Trail Laptop' })).not.toBeInTheDocument();

    await user.clear(box);
    await user.type(box, 'teapot{Enter}');
    expect(await screen.findByText('No products match “teapot”.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Show all products' }));
    expect(await screen.findByRole('link', { name: 'Trail Laptop' })).toBeInTheDocument();
  });

  it('shows a clear error and recovers on retry', async () => {
    let failures = 1;
    server.route('GET /api/products', () => (failures-- > 0 ? [503, { detail: 'Database is unavailable.' }] : [200, page(products)]));
    const user = userEvent.setup();
    renderApp('/', { server });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Products could not be loaded. Database is unavailable.');
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: 'Trail Laptop' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
