import http from 'node:http';

/**
 * A real HTTP server on a free 127.0.0.1 port that answers with per-test
 * handlers, so the client is exercised through real fetch, headers and JSON.
 * Handlers: { 'GET /api/products': ({ url, body, headers }) => [status, json] }.
 * Unknown routes answer 404 and are recorded, so a test sees stray calls.
 */
export async function startServer(handlers = {}) {
  const routes = { ...handlers };
  const calls = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const raw = Buffer.concat(chunks).toString();
    let body = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = raw;
    }
    const url = new URL(req.url, 'http://127.0.0.1');
    const key = `${req.method} ${url.pathname}`;
    calls.push({ key, url, body, headers: req.headers });
    const handler = routes[key];
    const [status, json] = handler ? await handler({ url, body, headers: req.headers }) : [404, { detail: 'Not found.' }];
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(json === undefined ? '' : JSON.stringify(json));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    callsTo: (key) => calls.filter((call) => call.key === key),
    route(key, handler) {
      routes[key] = handler;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(resolve);
      }),
  };
}

// An unsigned JWT-shaped token: the client only reads `exp`.
export function fakeJwt(expiresInSeconds, subject = '1') {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + expiresInSeconds;
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ exp, user_id: subject })}.sig`;
}

export function memoryStorage() {
  const data = new Map();
  return {
    getItem: (key) => (data.has(key) ? data.get(key) : null),
    setItem: (key, value) => data.set(key, String(value)),
    removeItem: (key) => data.delete(key),
    clear: () => data.clear(),
    keys: () => [...data.keys()],
  };
}
