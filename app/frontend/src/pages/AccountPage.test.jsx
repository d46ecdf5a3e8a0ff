import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customer, sessionRoutes } from '../../test/fixtures.js';
import { startServer } from '../../test/httpServer.js';
import { renderApp } from '../../test/renderApp.jsx';

let server;
beforeEach(async () => {
  server = await startServer(sessionRoutes());
});
afterEach(() => server.close());

describe('account', () => {
  it('restores the session from the tab after a reload and shows the profile', async () => {
    renderApp('/account', { server, session: true });
    expect(screen.getByRole('status')).toHaveTextContent('Checking your session');
    expect(await screen.findByText(customer.email)).toBeInTheDocument();
    expect(screen.getByLabelText('First name')).toHaveValue('Ann');
    expect(server.callsTo('POST /api/auth/token/refresh')).toHaveLength(1);
  });

  it('saves profile changes', async () => {
    server.route('PATCH /api/account', ({ body }) => [200, { ...customer, ...body }]);
    const user = userEvent.setup();
    renderApp('/account', { server, session: true });
    const first = await screen.findByLabelText('First name');
    await user.clear(first);
    await user.type(first, 'Annie');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    expect(await screen.findByText('Your profile was saved.')).toBeInTheDocument();
    const sent = server.callsTo('PATCH /api/account')[0].body;
    expect(sent).toMatchObject({ first_name: 'Annie', email: customer.email });
    expect(sent).not.toHaveProperty('current_password');
  });

  it('asks for the current password before changing the e-mail address', async () => {
    server.route('PATCH /api/account', ({ body }) =>
      body.current_password === 'Right-Pass-1'
        ? [200, { ...customer, email: body.email }]
        : [400, { current_password: ['Enter your current password to change e-mail or password.'] }]);
    const user = userEvent.setup();
    renderApp('/account', { server, session: true });
    const email = await screen.findByLabelText('Email');
    expect(screen.queryByLabelText('Current password')).not.toBeInTheDocument();
    await user.clear(email);
    await user.type(email, 'new@example.com');
    await user.type(screen.getByLabelText('Current password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    expect(await screen.findByText('Enter your current password to change e-mail or password.')).toBeInTheDocument();
    await user.clear(screen.getByLabelText('Current password'));
    await user.type(screen.getByLabelText('Current password'), 'Right-Pass-1');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    expect(await screen.findByText('Your profile was saved.')).toBeInTheDocument();
    expect(server.callsTo('PATCH /api/account')[1].body).toMatchObject({ email: 'new@example.com', current_password: 'Right-Pass-1' });
  });

  it('keeps the account when the confirmation password is wrong', async () => {
    server.route('DELETE /api/account', () => [400, { password: ['The password is wrong; the account was kept.'] }]);
    const user = userEvent.setup();
    renderApp('/account', { server, session: true });
    const deleteForm = (await screen.findByRole('heading', { name: 'Delete account' })).closest('form');
    await user.type(deleteForm.querySelector('input[type="password"]'), 'guess');
    await user.click(screen.getByRole('button', { name: 'Delete my account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The password is wrong; your account was kept.');
    expect(server.callsTo('DELETE /api/account')[0].body).toEqual({ password: 'guess' });
  });

  it('logs out by revoking the refresh token', async () => {
    server.route('POST /api/auth/logout', () => [205]);
    const user = userEvent.setup();
    renderApp('/account', { server, session: true });
    await user.click(await screen.findByRole('button', { name: 'Log out' }));
    expect(await screen.findByRole('link', { name: 'Log in' })).toBeInTheDocument();
    expect(server.callsTo('POST /api/auth/logout')[0].body).toEqual({ refresh: 'refresh-token' });
  });

  it('returns to the login page when the session cannot be restored', async () => {
    server.route('POST /api/auth/token/refresh', () => [401, { detail: 'Token is blacklisted' }]);
    renderApp('/account', { server, session: true });
    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeInTheDocument();
  });
});
