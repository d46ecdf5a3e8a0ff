import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { products } from '../../test/fixtures.js';
import { startServer } from '../../test/httpServer.js';
import { renderApp, savedCart } from '../../test/renderApp.jsx';

let server;
beforeEach(async () => {
  server = await startServer();
});
afterEach(() => server.close());

const line = (product, quantity) => ({ ...product, quantity });

describe('cart', () => {
  it('shows each line and the subtotal, and updates them as quantities change', async () => {
    const user = userEvent.setup();
    const { cartStorage } = renderApp('/cart', { server, cart: [line(products[0], 1), line(products[1], 2)] });
    expect(screen.getByTestId('cart-subtotal')).toHaveTextContent('$1,428.99');
    expect(screen.getByText(/3 items/)).toBeInTheDocument();

    const quantity = screen.getByRole('spinbutton', { name: 'Quantity of Studio Headphones' });
    await user.clear(quantity);
    await user.type(quantity, '4');
    expect(screen.getByLabelText('Line total for Studio Headphones')).toHaveTextContent('$358.00');
    expect(screen.getByTestId('cart-subtotal')).toHaveTextContent('$1,607.99');
    expect(savedCart(cartStorage)[1].quantity).toBe(4);
  });

  it('never lets a quantity exceed the stock', async () => {
    const user = userEvent.setup();
    renderApp('/cart', { server, cart: [line(products[0], 1)] });
    const quantity = screen.getByRole('spinbutton', { name: 'Quantity of Trail Laptop' });
    await user.clear(quantity);
    await user.type(quantity, '9');
    expect(quantity).toHaveValue(3);
  });

  it('shows an empty state once the last line is removed', async () => {
    const user = userEvent.setup();
    renderApp('/cart', { server, cart: [line(products[0], 1)] });
    await user.click(screen.getByRole('button', { name: 'Remove Trail Laptop from the cart' }));
    expect(screen.getByText('Your cart is empty.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Browse the catalogue' })).toBeInTheDocument();
  });
});
