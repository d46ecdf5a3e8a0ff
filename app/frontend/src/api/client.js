// The one module that knows the backend's URLs and how requests are
// authenticated. Components get a client from ApiContext so tests can point
// it at their own server.

const REFRESH_KEY = 'ecomops.refresh';
// Refresh a little before expiry so a request never leaves with a token that
// dies in flight.
const EXPIRY_MARGIN_SECONDS = 15;

export class ApiError extends Error {
  constructor(status, body) {
    super(describeError(status, body));
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.code = body && typeof body === 'object' ? body.code : undefined;
    this.fields = fieldErrors(body);
  }
}

// DRF answers {detail: "..."} or {field: ["msg", ...]}; turn either into one
// sentence a shopper can act on.
export function describeError(status, body) {
  if (body && typeof body === 'object') {
    if (typeof body.detail === 'string') return body.detail;
    if (typeof body.message === 'string') return body.message;
    const fields = fieldErrors(body);
    const first = Object.entries(fields)[0];
    if (first) return first[0] === 'non_field_errors' ? first[1] : `${label(first[0])}: ${first[1]}`;
  }
  if (status === 0) return 'Cannot reach the shop right now. Check your connection and try again.';
  if (status === 401) return 'Please log in again.';
  if (status === 403) return 'You are not allowed to do that.';
  if (status === 404) return 'Not found.';
  if (status >= 500) return 'The shop had a problem on its side. Please try again in a moment.';
  return `Request failed (HTTP ${status}).`;
}

function fieldErrors(body) {
  const out = {};
  if (!body || typeof body !== 'object' || Array.isArray(body)) return out;
  for (const [key, value] of Object.entries(body)) {
    if (key === 'detail' || key === 'code') continue;
    if (Array.isArray(value) && value.length) out[key] = String(value[0]);
    else if (typeof value === 'string') out[key] = value;
  }
  return out;
}

function label(field) {
  const text = field.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// Reads a JWT's expiry without verifying it: the server verifies, the client
// only needs to know when to refresh.
export function tokenExpiry(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(atob(payload.padEnd(payload.length + ((4 - (payload.length % 4)) % 4), '=')));
    return typeof json.exp === 'number' ? json.exp : null;
  } catch {
    return null;
  }
}

function sessionStore() {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

/**
 * The access token lives only in this closure. The refresh token (rotated on
 * every refresh and blacklisted on logout) is kept in sessionStorage so a
 * reload keeps the shopper logged in within the tab; it is never written to
 * localStorage.
 */
export function createApiClient({ baseUrl = '', storage = sessionStore(), now = () => Date.now() } = {}) {
  let access = null;
  let refreshing = null;
  const listeners = new Set();

  const readRefresh = () => storage?.getItem(REFRESH_KEY) ?? null;
  const writeRefresh = (value) => {
    if (!storage) return;
    if (value) storage.setItem(REFRESH_KEY, value);
    else storage.removeItem(REFRESH_KEY);
  };

  function setTokens({ access: nextAccess, refresh }) {
    access = nextAccess ?? null;
    if (refresh !== undefined) writeRefresh(refresh);
  }

  const hasSession = () => Boolean(access || readRefresh());

  function clearTokens() {
    const hadSession = hasSession();
    access = null;
    writeRefresh(null);
    if (hadSession) for (const listener of listeners) listener();
  }

  async function send(method, path, { body, headers = {}, token } = {}) {
    const init = { method, headers: { Accept: 'application/json', ...headers } };
    if (token) init.headers.Authorization = `Bearer ${token}`;
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(`${baseUrl}${path}`, init);
    } catch {
      throw new ApiError(0, null);
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  // Concurrent callers share one refresh: the server rotates refresh tokens,
  // so a second parallel refresh with the old token would be rejected.
  function refreshAccess() {
    if (!refreshing) {
      const refresh = readRefresh();
      refreshing = (async () => {
        if (!refresh) throw new ApiError(401, null);
        try {
          const tokens = await send('POST', '/api/auth/token/refresh', { body: { refresh } });
          setTokens({ access: tokens.access, refresh: tokens.refresh ?? refresh });
          return tokens.access;
        } catch (error) {
          if (error.status === 401 || error.status === 400) clearTokens();
          throw error;
        }
      })().finally(() => {
        refreshing = null;
      });
    }
    return refreshing;
  }

  function expiresSoon(token) {
    const exp = tokenExpiry(token);
    return exp !== null && exp * 1000 - now() < EXPIRY_MARGIN_SECONDS * 1000;
  }

  async function request(method, path, options = {}) {
    if (!options.auth) return send(method, path, options);
    let token = access;
    if ((!token || expiresSoon(token)) && readRefresh()) token = await refreshAccess();
    try {
      return await send(method, path, { ...options, token });
    } catch (error) {
      if (error.status !== 401 || !readRefresh()) throw error;
      const fresh = await refreshAccess();
      return send(method, path, { ...options, token: fresh });
    }
  }

  const get = (path, options) => request('GET', path, options);
  const authed = (method) => (path, body) => request(method, path, { body, auth: true });
  const aget = (path) => request('GET', path, { auth: true });
  const apost = authed('POST');
  const apatch = authed('PATCH');
  const adelete = authed('DELETE');

  // Catalogue reads carry the token whenever there is a session: nginx keeps
  // anonymous catalogue answers for a second but never answers a request with
  // credentials from that cache, so signed-in users (staff included) see their
  // own writes at once. A session lost on the way (refresh rejected, token
  // refused) must not fail the public catalogue: read it anonymously instead.
  async function catalogue(path) {
    if (!hasSession()) return get(path);
    try {
      return await aget(path);
    } catch (error) {
      if (error.status !== 401 && hasSession()) throw error;
      return get(path);
    }
  }

  const query = (params) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
    const text = search.toString();
    return text ? `?${text}` : '';
  };

  return {
    hasSession,
    onSessionLost(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    restoreSession: () => refreshAccess(),

    async login(email, password) {
      const tokens = await send('POST', '/api/auth/token', { body: { email, password } });
      setTokens(tokens);
    },
    register: (fields) => send('POST', '/api/auth/register', { body: fields }),
    async logout() {
      const refresh = readRefresh();
      try {
        if (refresh) await request('POST', '/api/auth/logout', { body: { refresh }, auth: true });
      } finally {
        access = null;
        writeRefresh(null);
      }
    },

    config: () => get('/api/config'),

    account: () => aget('/api/account'),
    updateAccount: (fields) => apatch('/api/account', fields),
    async deleteAccount(password) {
      await adelete('/api/account', { password });
      access = null;
      writeRefresh(null);
    },

    addresses: () => aget('/api/addresses'),
    createAddress: (fields) => apost('/api/addresses', fields),
    updateAddress: (id, fields) => apatch(`/api/addresses/${id}`, fields),
    deleteAddress: (id) => adelete(`/api/addresses/${id}`),

    cards: () => aget('/api/cards'),
    addCard: (paymentMethod) => apost('/api/cards', { payment_method: paymentMethod }),
    deleteCard: (id) => adelete(`/api/cards/${id}`),

    products: ({ search, page } = {}) => catalogue(`/api/products${query({ search, page })}`),
    product: (id) => catalogue(`/api/products/${id}`),
    createProduct: (form) => apost('/api/products', form),
    updateProduct: (id, form) => apatch(`/api/products/${id}`, form),
    deleteProduct: (id) => adelete(`/api/products/${id}`),

    // The same key on a retry makes the server return the order it already made
    // (or finish it) instead of charging again.
    checkout: (order, idempotencyKey) =>
      request('POST', '/api/checkout', { body: order, auth: true, headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {} }),
    orders: ({ search, page } = {}) => aget(`/api/orders${query({ search, page })}`),
    order: (id) => aget(`/api/orders/${id}`),
    setOrderStatus: (id, status) => apatch(`/api/orders/${id}/status`, { status }),
  };
}

// A fresh key per checkout attempt. getRandomValues, unlike randomUUID, also
// works on a plain-HTTP origin (the lab).
export function newIdempotencyKey() {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

// Whether the answer leaves the order's fate open: the shopper should retry
// the same attempt (same key) rather than start a new one.
export function isRetryable(error) {
  return error.status === 0 || error.status >= 500;
}

// DRF list endpoints answer either a page object or a bare array.
export function asPage(data) {
  if (Array.isArray(data)) return { results: data, count: data.length, next: null, previous: null };
  return {
    results: data?.results ?? [],
    count: data?.count ?? data?.results?.length ?? 0,
    next: data?.next ?? null,
    previous: data?.previous ?? null,
  };
}
