import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessionRoutes } from '../../test/fixtures.js';
import { startServer } from '../../test/httpServer.js';
import { renderApp } from '../../test/renderApp.jsx';

let server;
beforeEach(async () => {
  server = await startServer({ ...sessionRoutes(), 'GET /api/cards': () => [200, []] });
});
afterEach(() => server.close());

describe('saved cards', () => {
  it('with the sandbox gateway, saves a test payment method id, never a card number', async () => {
    server.route('GET /api/config', () => [200, { payment_gateway: 'sandbox', stripe_publishable_key: '' }]);
    server.route('POST /api/cards', () => [201, { id: 5, brand: 'mastercard', last4: '4444', exp_month: 3, exp_year: 2031 }]);
    const user = userEvent.setup();
    renderApp('/account/cards', { server, session: true });
    expect(await screen.findByText('You have no saved cards.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add card' }));
    await user.selectOptions(await screen.findByLabelText('Test card'), 'pm_card_mastercard');
    server.route('GET /api/cards', () => [200, [{ id: 5, brand: 'mastercard', last4: '4444', exp_month: 3, exp_year: 2031 }]]);
    await user.click(screen.getByRole('button', { name: 'Save card' }));
    expect(await screen.findByText('Mastercard ending 4444 · expires 03/2031')).toBeInTheDocument();
    expect(server.callsTo('POST /api/cards')[0].body).toEqual({ payment_method: 'pm_card_mastercard' });
  });

  it('with the Stripe gateway, collects the card in Stripe’s element instead of our own inputs', async () => {
    server.route('GET /api/config', () => [200, { payment_gateway: 'stripe', stripe_publishable_key: 'pk_test_123' }]);
    const user = userEvent.setup();
    renderApp('/account/cards', { server, session: true });
    await user.click(await screen.findByRole('button', { name: 'Add card' }));
    expect(await screen.findByText('Card details')).toBeInTheDocument();
    expect(screen.queryByLabelText('Test card')).not.toBeInTheDocument();
    expect(document.querySelector('input[autocomplete="cc-number"], input[name*="card"]')).toBeNull();
    expect(screen.getByRole('button', { name: 'Save card' })).toBeDisabled();
  });
});
