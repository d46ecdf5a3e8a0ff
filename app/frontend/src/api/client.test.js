// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeJwt, memoryStorage, startServer } from '../../test/httpServer.js';
import { ApiError, createApiClient, describeError, tokenExpiry } from './client.js';

let server;
let storage;
let api;

beforeEach(async () => {
  server = await startServer();
  storage = memoryStorage();
  api = createApiClient({ baseUrl: server.url, storage });
});

afterEach(async () => {
  await server.close();
});

const bearer = (call) => call.headers.authorization;

async function logIn(accessLifetime = 300) {
  server.route('POST /api/auth/token', () => [200, { access: fakeJwt(accessLifetime), refresh: 'refresh-1' }]);
  await api.login('ann@example.com', 'pw-long-enough');
}

describe('tokens', () => {
  it('keeps the access token in memory and only the refresh token in session storage', async () => {
    await logIn();
    expect(storage.keys()).toEqual(['ecomops.refresh']);
    expect(storage.getItem('ecomops.refresh')).toBe('refresh-1');
    server.route('GET /api/account', ({ headers }) => [200, { email: 'ann@example.com', auth: headers.authorization }]);
    const account = await api.account();
    expect(account.auth).toMatch(/^Bearer .+\..+\.sig$/);
  });

  it('refreshes once on 401 and retries the request with the new token', async () => {
    await logIn();
    const fresh = fakeJwt(300, 'fresh');
    server.route('POST /api/auth/token/refresh', ({ body }) => {
      expect(body).toEqual({ refresh: 'refresh-1' });
      return [200, { access: fresh, refresh: 'refresh-2' }];
    });
    server.route('GET /api/orders', ({ headers }) =>
      headers.authorization === `Bearer ${fresh}` ? [200, []] : [401, { detail: 'Token expired', code: 'token_not_valid' }],
    );
    await expect(api.orders()).resolves.toEqual([]);
    expect(server.callsTo('POST /api/auth/token/refresh')).toHaveLength(1);
    expect(storage.getItem('ecomops.refresh')).toBe('refresh-2');
  });

  it('shares one refresh between concurrent requests (refresh tokens rotate)', async () => {
    await logIn();
    const fresh = fakeJwt(300, 'fresh');
    server.route('POST /api/auth/token/refresh', async ({ body }) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return body.refresh === 'refresh-1' ? [200, { access: fresh, refresh: 'refresh-2' }] : [401, { detail: 'blacklisted' }];
    });
    const guarded = ({ headers }) => (headers.authorization === `Bearer ${fresh}` ? [200, { ok: true }] : [401, {}]);
    server.route('GET /api/account', guarded);
    server.route('GET /api/addresses', guarded);
    server.route('GET /api/cards', guarded);
    await Promise.all([api.account(), api.addresses(), api.cards()]);
    expect(server.callsTo('POST /api/auth/token/refresh')).toHaveLength(1);
  });

  it('refreshes before sending when the access token is about to expire', async () => {
    await logIn(5);
    const fresh = fakeJwt(300, 'fresh');
    server.route('POST /api/auth/token/refresh', () => [200, { access: fresh, refresh: 'refresh-2' }]);
    server.route('GET /api/account', () => [200, {}]);
    await api.account();
    const [accountCall] = server.callsTo('GET /api/account');
    expect(bearer(accountCall)).toBe(`Bearer ${fresh}`);
  });

  it('ends the session when the refresh token is rejected', async () => {
    await logIn();
    let lost = 0;
    api.onSessionLost(() => {
      lost += 1;
    });
    server.route('POST /api/auth/token/refresh', () => [401, { detail: 'Token is blacklisted', code: 'token_not_valid' }]);
    server.route('GET /api/account', () => [401, { detail: 'Token expired' }]);
    await expect(api.account()).rejects.toMatchObject({ status: 401 });
    expect(lost).toBe(1);
    expect(api.hasSession()).toBe(false);
    expect(storage.getItem('ecomops.refresh')).toBeNull();
  });

  it('revokes the refresh token on logout and forgets it even if the server fails', async () => {
    await logIn();
    server.route('POST /api/auth/logout', () => [500, { detail: 'boom' }]);
    await expect(api.logout()).rejects.toBeInstanceOf(ApiError);
    expect(server.callsTo('POST /api/auth/logout')[0].body).toEqual({ refresh: 'refresh-1' });
    expect(api.hasSession()).toBe(false);
  });

  it('reads the expiry of a JWT and tolerates garbage', () => {
    const exp = tokenExpiry(fakeJwt(60));
    expect(exp).toBeGreaterThan(Date.now() / 1000);
    expect(tokenExpiry('not-a-token')).toBeNull();
  });
});

describe('catalogue reads', () => {
  // nginx caches anonymous catalogue answers for a second and bypasses that
  // cache for requests with credentials: a signed-in reader must send them.
  beforeEach(() => {
    server.route('GET /api/products', () => [200, { count: 1, results: [{ id: 3 }] }]);
    server.route('GET /api/products/3', () => [200, { id: 3, price: '19.99' }]);
  });

  it('are anonymous without a session', async () => {
    await api.products({ page: 2 });
    await api.product(3);
    expect(server.calls.map((call) => [call.key, bearer(call)])).toEqual([
      ['GET /api/products', undefined],
      ['GET /api/products/3', undefined],
    ]);
  });

  it('carry the access token when signed in, so staff see their own price change at once', async () => {
    await logIn();
    await api.products();
    await expect(api.product(3)).resolves.toEqual({ id: 3, price: '19.99' });
    const reads = server.calls.filter((call) => call.key.startsWith('GET /api/products'));
    expect(reads).toHaveLength(2);
    for (const call of reads) expect(bearer(call)).toMatch(/^Bearer .+\..+\.sig$/);
  });

  it('fall back to an anonymous read when the session turns out to be lost', async () => {
    await logIn();
    let lost = 0;
    api.onSessionLost(() => {
      lost += 1;
    });
    server.route('POST /api/auth/token/refresh', () => [401, { detail: 'Token is blacklisted', code: 'token_not_valid' }]);
    server.route('GET /api/products/3', ({ headers }) =>
      headers.authorization ? [401, { detail: 'Token expired', code: 'token_not_valid' }] : [200, { id: 3 }],
    );
    await expect(api.product(3)).resolves.toEqual({ id: 3 });
    const reads = server.callsTo('GET /api/products/3');
    expect(reads.map(bearer)).toEqual([expect.stringMatching(/^Bearer /), undefined]);
    expect(server.callsTo('POST /api/auth/token/refresh')).toHaveLength(1);
    expect(lost).toBe(1);
    expect(api.hasSession()).toBe(false);
  });

  it('fall back too when a reloaded tab cannot restore its session', async () => {
    storage.setItem('ecomops.refresh', 'refresh-gone');
    server.route('POST /api/auth/token/refresh', () => [400, { refresh: ['This field is invalid.'] }]);
    await expect(api.products()).resolves.toMatchObject({ count: 1 });
    expect(server.callsTo('GET /api/products').map(bearer)).toEqual([undefined]);
    expect(storage.getItem('ecomops.refresh')).toBeNull();
  });

  it('report other failures of a signed-in read without asking twice', async () => {
    await logIn();
    server.route('GET /api/products/9', () => [404, { detail: 'No Product matches the given query.' }]);
    await expect(api.product(9)).rejects.toMatchObject({ status: 404 });
    expect(server.callsTo('GET /api/products/9')).toHaveLength(1);
    expect(api.hasSession()).toBe(true);
  });
});

describe('errors', () => {
  it('turns DRF field errors into one readable sentence', async () => {
    server.route('POST /api/auth/register', () => [400, { email: ['An account with this e-mail already exists.'] }]);
    const error = await api.register({ email: 'a@b.c', password: 'x' }).catch((e) => e);
    expect(error.status).toBe(400);
    expect(error.message).toBe('Email: An account with this e-mail already exists.');
    expect(error.fields).toEqual({ email: 'An account with this e-mail already exists.' });
  });

  it('exposes a payment decline code', async () => {
    await logIn();
    server.route('POST /api/checkout', () => [402, { code: 'card_declined', detail: 'The card was declined.' }]);
    const error = await api.checkout({ items: [] }).catch((e) => e);
    expect(error).toMatchObject({ status: 402, code: 'card_declined', message: 'The card was declined.' });
  });

  it('explains an unreachable server and a server error without leaking internals', async () => {
    const offline = createApiClient({ baseUrl: 'http://127.0.0.1:9', storage });
    await expect(offline.products()).rejects.toMatchObject({ status: 0, message: expect.stringMatching(/Cannot reach the shop/) });
    expect(describeError(502, '<html>Bad gateway</html>')).toMatch(/problem on its side/);
  });

  it('builds product queries from search and page only when set', async () => {
    server.route('GET /api/products', () => [200, { count: 0, results: [] }]);
    await api.products({ search: 'lap top', page: 2 });
    await api.products({ search: '' });
    const [first, second] = server.callsTo('GET /api/products');
    expect(first.url.search).toBe('?search=lap+top&page=2');
    expect(second.url.search).toBe('');
  });
});
