import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessionRoutes } from '../../test/fixtures.js';
import { startServer } from '../../test/httpServer.js';
import { renderApp } from '../../test/renderApp.jsx';

let server;
let addresses;
beforeEach(async () => {
  addresses = [];
  server = await startServer({
    ...sessionRoutes(),
    'GET /api/addresses': () => [200, addresses],
    'POST /api/addresses': ({ body }) => {
      if (!/^\d+$/.test(body.phone_number)) return [400, { phone_number: ['Enter digits only.'] }];
      const created = { id: addresses.length + 1, ...body };
      addresses.push(created);
      return [201, created];
    },
    'DELETE /api/addresses/1': () => {
      addresses = [];
      return [204];
    },
  });
});
afterEach(() => server.close());

async function fillAddress(user, phone) {
  await user.type(screen.getByLabelText('Full name'), 'Ann Lee');
  await user.type(screen.getByLabelText('Phone number'), phone);
  await user.type(screen.getByLabelText('Street and house number'), '1 Main St');
  await user.type(screen.getByLabelText('City'), 'Springfield');
  await user.type(screen.getByLabelText('State or region'), 'IL');
  await user.type(screen.getByLabelText('Postal code'), '62701');
}

describe('addresses', () => {
  it('starts empty, shows field errors from the server, then adds and deletes an address', async () => {
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    const user = userEvent.setup();
    renderApp('/account/addresses', { server, session: true });
    expect(await screen.findByText('You have no saved addresses yet.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Add address' }));
    await fillAddress(user, 'call me');
    const form = screen.getByRole('form', { name: 'Add address' });
    await user.click(within(form).getByRole('button', { name: 'Add address' }));
    expect(await screen.findByText('Enter digits only.')).toBeInTheDocument();
    expect(screen.getByLabelText('Phone number')).toHaveAttribute('aria-invalid', 'true');

    await user.clear(screen.getByLabelText('Phone number'));
    await user.type(screen.getByLabelText('Phone number'), '5550100');
    await user.click(within(form).getByRole('button', { name: 'Add address' }));
    expect(await screen.findByText('Address added.')).toBeInTheDocument();
    expect(await screen.findByText('1 Main St, Springfield, IL, 62701')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: /^Delete address/ }));
    expect(await screen.findByText('Address deleted.')).toBeInTheDocument();
    expect(await screen.findByText('You have no saved addresses yet.')).toBeInTheDocument();
  });
});
