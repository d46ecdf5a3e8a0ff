// Starts the real stack the browser suite runs against, with nothing fixed:
// every port is picked free at run time and everything is removed afterwards.
//
// startLocalStack: a throwaway PostgreSQL cluster, the Django backend under
// gunicorn from the project's venv, and the built site served by `vite
// preview`, which proxies the backend's paths as nginx does in the image.
//
// startImageStack: the release images themselves on a private Docker network,
// PostgreSQL, ecommerce-backend (migrating at start) and ecommerce-frontend's
// nginx, which is the only thing published (on 127.0.0.1).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const NOBODY = 65534;

export const ROOT = path.resolve(import.meta.dirname, '../../..');
const FRONTEND = path.join(ROOT, 'app/frontend');
const BACKEND = path.join(ROOT, 'app/backend');
const VENV_BIN = path.join(ROOT, '.venv/bin');

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error) throw new Error(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

// PostgreSQL refuses to run as root: as root, the cluster runs as `nobody`.
function asClusterOwner(command, args) {
  if (process.getuid?.() !== 0) return [command, args];
  return ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', command, ...args]];
}

async function waitFor(url, what, { timeoutMs = 60_000, process: child } = {}) {
  // fetch's sockets do not keep Node's event loop alive while docker-proxy
  // holds a fresh connection open: a referenced timer does.
  const alive = setInterval(() => {}, 1000);
  try {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (child && child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before it was ready`);
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
        if (response.ok) return;
        last = `HTTP ${response.status}`;
      } catch (error) {
        last = error.cause?.code ?? error.message;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${what} was not ready at ${url} within ${timeoutMs / 1000}s (last: ${last})`);
  } finally {
    clearInterval(alive);
  }
}

function startProcess(name, command, args, options, logs) {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const keep = (chunk) => {
    lines.push(chunk.toString());
    if (lines.length > 200) lines.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  logs[name] = lines;
  return child;
}

function stopProcess(child) {
  if (!child || child.exitCode !== null) return;
  try {
    // The whole group: vite and gunicorn both fork workers.
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

export async function startLocalStack({ log = console.error } = {}) {
  for (const [tool, hint] of [
    ['initdb', 'install the PostgreSQL server binaries (initdb, pg_ctl)'],
    ['pg_ctl', 'install the PostgreSQL server binaries (initdb, pg_ctl)'],
  ]) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} not found on PATH: ${hint}`);
  }
  if (!existsSync(path.join(VENV_BIN, 'gunicorn'))) {
    throw new Error(`${VENV_BIN}/gunicorn is missing: run 'make venv' (it installs the backend's requirements)`);
  }

  const base = mkdtempSync(path.join(tmpdir(), 'ecomops-frontend-e2e-'));
  chmodSync(base, 0o755);
  const data = path.join(base, 'pgdata');
  const sockets = path.join(base, 'pgsocket');
  for (const dir of [data, sockets]) {
    mkdirSync(dir, { mode: 0o700 });
    if (process.getuid?.() === 0) chownSync(dir, NOBODY, NOBODY);
  }
  const logs = {};
  const children = [];
  let pgStarted = false;

  const stop = () => {
    for (const child of children.reverse()) stopProcess(child);
    if (pgStarted) {
      const [cmd, args] = asClusterOwner('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      spawnSync(cmd, args, { stdio: 'ignore' });
    }
    rmSync(base, { recursive: true, force: true });
  };

  try {
    const pgPort = await freePort();
    log(`e2e: PostgreSQL on socket ${sockets} port ${pgPort}`);
    run(...asClusterOwner('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']));
    const pgOptions = `-p ${pgPort} -k ${sockets} -c listen_addresses='' -c fsync=off -c synchronous_commit=off`;
    run(...asClusterOwner('pg_ctl', ['-D', data, '-o', pgOptions, '-l', path.join(data, 'server.log'), '-w', 'start']));
    pgStarted = true;

    const admin = { email: 'e2e-staff@example.com', password: `Staff-${randomBytes(9).toString('base64url')}` };
    const backendPort = await freePort();
    const backendEnv = {
      ...process.env,
      DJANGO_SECRET_KEY: randomBytes(32).toString('base64url'),
      DJANGO_DEBUG: 'false',
      DJANGO_ALLOWED_HOSTS: '127.0.0.1,localhost',
      DB_HOST: sockets,
      DB_PORT: String(pgPort),
      DB_NAME: 'postgres',
      DB_USER: 'postgres',
      DB_PASSWORD: '',
      PAYMENT_GATEWAY: 'sandbox',
      MEDIA_ROOT: path.join(base, 'media'),
      STATIC_ROOT: path.join(base, 'static'),
      AUTH_THROTTLE_RATE: '1000/min',
      LOG_LEVEL: 'WARNING',
      GUNICORN_BIND: `127.0.0.1:${backendPort}`,
      WEB_CONCURRENCY: '2',
      DJANGO_SUPERUSER_EMAIL: admin.email,
      DJANGO_SUPERUSER_PASSWORD: admin.password,
    };
    mkdirSync(backendEnv.STATIC_ROOT);
    const python = path.join(VENV_BIN, 'python');
    log('e2e: migrating, seeding the catalogue, creating the staff user, activating a fraud model');
    run(python, ['manage.py', 'migrate_once'], { cwd: BACKEND, env: backendEnv });
    run(python, ['manage.py', 'seed_catalogue'], { cwd: BACKEND, env: backendEnv });
    // The admin's pages (the fraud dashboard) need the manifest of hashed static files.
    run(python, ['manage.py', 'collectstatic', '--noinput', '--verbosity', '0'], { cwd: BACKEND, env: backendEnv });
    run(python, ['manage.py', 'createsuperuser', '--noinput'], { cwd: BACKEND, env: backendEnv });
    // As the deploy does: checkouts are scored from the first order.
    run(python, ['manage.py', 'fraud_bootstrap'], { cwd: BACKEND, env: backendEnv });

    const gunicorn = startProcess(
      'backend',
      path.join(VENV_BIN, 'gunicorn'),
      ['config.wsgi', '--config', 'gunicorn.conf.py'],
      { cwd: BACKEND, env: backendEnv },
      logs,
    );
    children.push(gunicorn);
    await waitFor(`http://127.0.0.1:${backendPort}/readyz`, 'the backend (gunicorn)', { process: gunicorn });
    log(`e2e: backend ready on 127.0.0.1:${backendPort}`);

    run(path.join(FRONTEND, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: FRONTEND });
    const webPort = await freePort();
    const vite = startProcess(
      'frontend',
      path.join(FRONTEND, 'node_modules/.bin/vite'),
      ['preview', '--host', '127.0.0.1', '--port', String(webPort), '--strictPort'],
      { cwd: FRONTEND, env: { ...process.env, BACKEND_URL: `http://127.0.0.1:${backendPort}` } },
      logs,
    );
    children.push(vite);
    const baseUrl = `http://127.0.0.1:${webPort}`;
    await waitFor(`${baseUrl}/healthz`, 'the site (vite preview) and its proxy', { process: vite });
    log(`e2e: site ready on ${baseUrl}`);
    return { baseUrl, adminUrl: `http://127.0.0.1:${backendPort}`, admin, logs, stop };
  } catch (error) {
    for (const [name, lines] of Object.entries(logs)) log(`--- ${name} log ---\n${lines.join('')}`);
    stop();
    throw error;
  }
}

const docker = (...args) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

// The lab's PostgreSQL image boots systemd by default; here one postgres
// process is enough, run as the postgres user from whatever version it ships.
const POSTGRES_SCRIPT = `set -e
bin=$(dirname /usr/lib/postgresql/*/bin/initdb)
"$bin/initdb" -D /tmp/pg -U postgres --auth=trust >/dev/null
echo 'host all all 0.0.0.0/0 trust' >> /tmp/pg/pg_hba.conf
exec "$bin/postgres" -D /tmp/pg -c listen_addresses='*' -k /tmp -c fsync=off`;

export async function startImageStack({
  frontendImage,
  backendImage,
  postgresImage = 'ecomops/postgres',
  log = console.error,
}) {
  const prefix = `ecomops-test-frontend-${randomBytes(4).toString('hex')}`;
  const names = { network: `${prefix}-net`, db: `${prefix}-db`, api: `${prefix}-api`, web: `${prefix}-web` };
  const logs = {};
  const stop = () => {
    for (const name of [names.web, names.api, names.db]) {
      const output = spawnSync('docker', ['logs', '--tail', '60', name], { encoding: 'utf8' });
      if (output.status === 0) logs[name] = [output.stdout, output.stderr];
      spawnSync('docker', ['rm', '-f', '-v', name], { stdio: 'ignore' });
    }
    spawnSync('docker', ['network', 'rm', names.network], { stdio: 'ignore' });
  };
  try {
    docker('network', 'create', names.network);
    docker('run', '-d', '--name', names.db, '--network', names.network, '--network-alias', 'db', '--user', 'postgres',
      '--entrypoint', 'bash', postgresImage, '-c', POSTGRES_SCRIPT);
    // The backend migrates at start and gives up if the database is not there yet.
    const deadline = Date.now() + 60_000;
    const pgReady = ['exec', names.db, 'bash', '-c', '"$(dirname /usr/lib/postgresql/*/bin/pg_isready)/pg_isready" -q -h /tmp'];
    while (spawnSync('docker', pgReady).status !== 0) {
      if (Date.now() > deadline) throw new Error('PostgreSQL did not accept connections within 60s');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // The frontend first, as a deploy may start it: nginx must come up without the backend.
    docker('run', '-d', '--name', names.web, '--network', names.network, '-p', '127.0.0.1::3000', frontendImage);
    const admin = { email: 'e2e-staff@example.com', password: `Staff-${randomBytes(9).toString('base64url')}` };
    const env = {
      DJANGO_SECRET_KEY: randomBytes(32).toString('base64url'),
      DJANGO_ALLOWED_HOSTS: '*',
      DB_HOST: 'db',
      DB_PORT: '5432',
      DB_NAME: 'postgres',
      DB_USER: 'postgres',
      DB_PASSWORD: 'unused-trust-auth',
      PAYMENT_GATEWAY: 'sandbox',
      RUN_MIGRATIONS: 'true',
      SEED_CATALOGUE: 'true',
      AUTH_THROTTLE_RATE: '1000/min',
    };
    // Published for the admin only, which the storefront does not serve (an operator's tunnel).
    docker('run', '-d', '--name', names.api, '--network', names.network, '--network-alias', 'ecommerce-backend',
      '-p', '127.0.0.1::8000', ...Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]), backendImage);
    const baseUrl = `http://${docker('port', names.web, '3000/tcp').split('\n')[0]}`;
    await waitFor(`${baseUrl}/readyz`, 'the backend behind the frontend image (/readyz)', { timeoutMs: 120_000 });
    docker('exec', '-e', `DJANGO_SUPERUSER_EMAIL=${admin.email}`, '-e', `DJANGO_SUPERUSER_PASSWORD=${admin.password}`,
      names.api, 'python', 'manage.py', 'createsuperuser', '--noinput');
    docker('exec', names.api, 'python', 'manage.py', 'fraud_bootstrap');
    log(`e2e: images ${frontendImage} + ${backendImage} ready on ${baseUrl}`);
    const adminUrl = `http://${docker('port', names.api, '8000/tcp').split('\n')[0]}`;
    return { baseUrl, adminUrl, admin, logs, stop };
  } catch (error) {
    stop();
    for (const [name, lines] of Object.entries(logs)) log(`--- ${name} log ---\n${lines.join('')}`);
    throw error;
  }
}
