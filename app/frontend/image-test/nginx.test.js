// The built image as it runs in production: nginx on 3000 as a non-root user,
// serving the site and proxying the backend's paths to whatever answers as
// `ecommerce-backend` on the container's network. The backend here is a small
// echo server (the subject under test is nginx), started after the frontend
// to prove nginx starts without it.
//
//   IMAGE=ecommerce-frontend:TAG node --test image-test/
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

const IMAGE = process.env.IMAGE;
const BACKEND_IMAGE = process.env.ECHO_IMAGE || 'ecomops/python';
const prefix = `ecomops-test-frontend-${randomBytes(4).toString('hex')}`;
const names = { network: `${prefix}-net`, web: `${prefix}-web`, api: `${prefix}-api` };
let base;

const docker = (...args) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(what, check, timeoutMs = 30_000) {
  // fetch's sockets do not keep Node's event loop alive while docker-proxy
  // holds a fresh connection open: a referenced timer does.
  const alive = setInterval(() => {}, 1000);
  try {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      try {
        const value = await check();
        if (value) return value;
      } catch (error) {
        last = error;
      }
      await sleep(300);
    }
    throw new Error(`${what} did not happen within ${timeoutMs / 1000}s${last ? `: ${last.message}` : ''}`);
  } finally {
    clearInterval(alive);
  }
}

// Answers every request with what it received, as JSON. As the catalogue
// audience endpoint it calls "Bearer shopper" public and anything else
// private, and counts how often it was asked (GET /api/audience-asks).
const ECHO_SERVER = `
import json, http.server, time
asks = {}
class Echo(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        authorization = self.headers.get("Authorization")
        audience = None
        if self.path == "/api/catalogue/audience":
            key = f"{authorization} {self.headers.get('Cookie')}"
            asks[key] = asks.get(key, 0) + 1
            audience = "public" if authorization == "Bearer shopper" else "private"
        body = json.dumps({"path": self.path, "host": self.headers.get("Host"),
                           "answer": time.monotonic_ns(), "asks": asks,
                           "authorization": authorization, "cookie": self.headers.get("Cookie"),
                           "proto": self.headers.get("X-Forwarded-Proto"),
                           "forwarded_for": self.headers.get("X-Forwarded-For")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if audience:
            self.send_header("X-Catalogue-Audience", audience)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_POST = do_GET
http.server.ThreadingHTTPServer(("0.0.0.0", 8000), Echo).serve_forever()
`;

before(async () => {
  assert.ok(IMAGE, 'set IMAGE to the frontend image to test, e.g. ecommerce-frontend:dev');
  docker('network', 'create', names.network);
  docker('run', '-d', '--name', names.web, '--network', names.network, '-p', '127.0.0.1::3000', IMAGE);
  const published = docker('port', names.web, '3000/tcp').split('\n')[0];
  base = `http://${published}`;
  await eventually('the site answering', async () => (await fetch(`${base}/`, { signal: AbortSignal.timeout(5000) })).ok);
});

after(() => {
  for (const container of [names.web, names.api]) {
    try {
      docker('rm', '-f', '-v', container);
    } catch {
      // Never started.
    }
  }
  try {
    docker('network', 'rm', names.network);
  } catch {
    // Never created.
  }
});

describe('frontend image', () => {
  it('starts and serves the site before the backend exists, and is healthy', async () => {
    const api = await fetch(`${base}/api/products`);
    assert.equal(api.status, 502, 'without a backend the API is a clean 502, not a crash');
    const home = await fetch(`${base}/`);
    assert.equal(home.status, 200);
    await eventually('docker reporting the container healthy', () =>
      docker('inspect', '--format', '{{.State.Health.Status}}', names.web) === 'healthy', 60_000);
  });

  it('runs nginx as a non-root user', () => {
    assert.equal(docker('exec', names.web, 'id', '-u'), '10001');
    const processes = docker('top', names.web, '-o', 'pid,user,comm').split('\n').slice(1);
    assert.ok(processes.length >= 2, 'a master and at least one worker');
    for (const line of processes) {
      const [, user] = line.trim().split(/\s+/);
      assert.ok(user === '10001' || user === 'storefront', `runs as ${user}: ${line}`);
    }
  });

  it('proxies the backend paths once the backend appears, keeping path, query and host', async () => {
    docker('run', '-d', '--name', names.api, '--network', names.network, '--network-alias', 'ecommerce-backend',
      BACKEND_IMAGE, 'python3', '-c', ECHO_SERVER);
    const echo = await eventually('nginx reaching the new backend', async () => {
      const response = await fetch(`${base}/api/products?search=lamp&page=2`, { signal: AbortSignal.timeout(5000) });
      return response.status === 200 ? response.json() : null;
    }, 45_000);
    assert.equal(echo.path, '/api/products?search=lamp&page=2');
    assert.equal(echo.host, new URL(base).host, 'the Host header keeps the port the browser used');
    assert.equal(echo.proto, 'http');
    const behindTls = await (await fetch(`${base}/api/x`, { headers: { 'X-Forwarded-Proto': 'https' } })).json();
    assert.equal(behindTls.proto, 'https', "the load balancer's scheme is passed on");
    const admin = await fetch(`${base}/admin`, { redirect: 'manual' });
    assert.equal(admin.status, 301);
    assert.equal(admin.headers.get('location'), '/admin/');
    for (const path of ['/admin/', '/admin/login/']) {
      const hidden = await fetch(`${base}${path}`, { headers: { 'X-Forwarded-For': '127.0.0.1' } });
      assert.equal(hidden.status, 404, `${path}: Django's admin is not on the public site by default`);
      assert.doesNotMatch(await hidden.text(), /"path"/, `${path} never reaches the backend`);
    }
    for (const path of ['/static/admin/css/base.css', '/media/products/a.png', '/healthz', '/readyz']) {
      const response = await fetch(`${base}${path}`);
      assert.equal(response.status, 200, path);
      assert.equal((await response.json()).path, path);
    }
    // The load balancer appends the address it saw; whatever the client wrote before it is dropped.
    const forwarded = await (await fetch(`${base}/api/x`, { headers: { 'X-Forwarded-For': '6.6.6.6, 203.0.113.7' } })).json();
    assert.equal(forwarded.forwarded_for, '203.0.113.7');
    const direct = await (await fetch(`${base}/api/x`)).json();
    assert.match(direct.forwarded_for, /^[0-9.]+$/, 'without a load balancer: the peer, one entry');
    const metrics = await fetch(`${base}/metrics`);
    assert.match(metrics.headers.get('content-type'), /text\/html/, '/metrics is not exposed through the site');
  });

  it('keeps anonymous catalogue answers one second, never those of a signed-in user', async () => {
    const get = async (path, { method = 'GET', headers = {} } = {}) => {
      const response = await fetch(`${base}${path}`, { method, headers });
      assert.equal(response.status, 200, `${method} ${path}`);
      return { cache: response.headers.get('x-cache-status'),
        answer: method === 'HEAD' ? undefined : (await response.json()).answer,
        nosniff: response.headers.get('x-content-type-options') };
    };
    const first = await get('/api/products?page=7');
    const again = await get('/api/products?page=7');
    assert.equal(again.cache, 'HIT');
    assert.equal(again.answer, first.answer, 'a burst of readers costs the backend one request');
    assert.equal(again.nosniff, 'nosniff', 'cached answers keep the security headers');
    assert.equal((await get('/api/products?page=7', { method: 'HEAD' })).cache, 'HIT', 'HEAD is answered from the cache');
    assert.notEqual((await get('/api/products?page=8')).answer, first.answer, 'the query is part of the key');
    const behindTls = await get('/api/products?page=7', { headers: { 'X-Forwarded-Proto': 'https' } });
    assert.notEqual(behindTls.answer, first.answer, "the load balancer's scheme is part of the key");
    const product = await get('/api/products/7');
    assert.equal((await get('/api/products/7')).answer, product.answer, 'one product is cached too');
    for (const headers of [{ Authorization: 'Bearer x' }, { Cookie: 'sessionid=x' }]) {
      const signedIn = await get('/api/products?page=7', { headers });
      assert.equal(signedIn.cache, 'BYPASS', Object.keys(headers)[0]);
      assert.notEqual(signedIn.answer, first.answer, Object.keys(headers)[0]);
      assert.notEqual((await get('/api/products?page=7')).answer, signedIn.answer, 'a signed-in answer is never kept');
    }
    const posted = await get('/api/products?page=7', { method: 'POST' });
    assert.equal(posted.cache, null, 'only GET and HEAD are cached');
    assert.notEqual(posted.answer, first.answer);
    for (const path of ['/api/orders?page=7', '/api/products/7/image']) {
      assert.equal((await get(path)).cache, null, `only the catalogue is cached: ${path}`);
    }
    // nginx counts whole seconds: a one-second answer is gone after at most three.
    await sleep(3000);
    assert.notEqual((await get('/api/products?page=7')).answer, first.answer, 'answers expire');
  });

  it("answers a signed-in shopper from the anonymous cache entries, staff never", async () => {
    const read = async (authorization) => {
      const response = await fetch(`${base}/api/products?page=9`, authorization ? { headers: { Authorization: authorization } } : {});
      assert.equal(response.status, 200);
      return { cache: response.headers.get('x-cache-status'), ...(await response.json()) };
    };
    const shopper = await read('Bearer shopper');
    assert.equal(shopper.cache, 'MISS');
    assert.equal(shopper.authorization, null, "a shopper's read reaches the backend as an anonymous one");
    const anonymous = await read();
    assert.equal(anonymous.cache, 'HIT');
    assert.equal(anonymous.answer, shopper.answer, 'shoppers and anonymous visitors share the entries');
    assert.equal((await read('Bearer shopper')).answer, shopper.answer);
    const staff = await read('Bearer staff');
    assert.equal(staff.cache, 'BYPASS', 'staff see their own changes at once');
    assert.equal(staff.authorization, 'Bearer staff', 'the backend sees who staff are');
    assert.notEqual(staff.answer, shopper.answer);
    assert.notEqual((await read('Bearer staff')).answer, staff.answer, 'a staff answer is never kept');
    const { asks } = await (await fetch(`${base}/api/audience-asks`)).json();
    assert.equal(asks['Bearer shopper None'], 1, 'the verdict is asked once per token, then kept');
    assert.equal(asks['Bearer staff None'], 1);
    assert.equal(asks['None None'], undefined, 'anonymous reads never ask');
  });

  it('serves client-side routes with the app and never caches index.html', async () => {
    const response = await fetch(`${base}/products/3`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    const html = await response.text();
    assert.match(html, /<div id="root"><\/div>/);
    assert.doesNotMatch(html, /@vite\/client|@react-refresh|sockjs|ws:\/\//, 'no dev server or websocket client');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.match(response.headers.get('content-security-policy'), /default-src 'self'/);
  });

  it('caches hashed assets forever, compresses them, and 404s unknown ones', async () => {
    const html = await (await fetch(`${base}/`)).text();
    const script = html.match(/src="(\/assets\/[^"]+\.js)"/)[1];
    const response = await fetch(`${base}${script}`, { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(response.headers.get('content-encoding'), 'gzip');
    assert.match(response.headers.get('content-type'), /javascript/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    const missing = await fetch(`${base}/assets/missing-0000.js`);
    assert.equal(missing.status, 404, 'a missing asset is a 404, not the HTML page');
  });
});
