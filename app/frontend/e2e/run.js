// Runs the browser suite. With BASE_URL set it targets that site (the lab's
// load balancer, a compose stack, ...) and needs a staff account in
// E2E_ADMIN_EMAIL / E2E_ADMIN_PASSWORD; without it, it starts the real stack
// on this machine first (see stack.js) and removes it afterwards.
//
//   node e2e/run.js
//   BASE_URL=http://127.0.0.1:8080 E2E_ADMIN_EMAIL=... E2E_ADMIN_PASSWORD=... node e2e/run.js
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT, startStack } from './stack.js';

const reports = process.env.REPORTS || path.join(ROOT, 'reports');
const screenshots = path.join(reports, 'frontend-e2e');
rmSync(screenshots, { recursive: true, force: true });
mkdirSync(screenshots, { recursive: true });

let stack = null;
let env = { ...process.env, SCREENSHOT_DIR: screenshots };
if (process.env.BASE_URL) {
  if (!process.env.E2E_ADMIN_EMAIL || !process.env.E2E_ADMIN_PASSWORD) {
    console.error(
      'e2e: BASE_URL is set, so set E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD to a staff account of that site too\n' +
        '     (e.g. docker exec ecommerce-backend python manage.py createsuperuser).',
    );
    process.exit(2);
  }
} else {
  stack = await startStack();
  env = { ...env, BASE_URL: stack.baseUrl, E2E_ADMIN_EMAIL: stack.admin.email, E2E_ADMIN_PASSWORD: stack.admin.password };
}

const started = Date.now();
const suite = spawn(
  process.execPath,
  [
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=junit',
    `--test-reporter-destination=${path.join(reports, 'frontend-e2e.xml')}`,
    path.join(import.meta.dirname, 'storefront.test.js'),
  ],
  { env, stdio: 'inherit' },
);
const code = await new Promise((resolve) => suite.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0))));
if (code !== 0 && stack) {
  for (const [name, lines] of Object.entries(stack.logs)) console.error(`--- ${name} log (last lines) ---\n${lines.slice(-40).join('')}`);
}
stack?.stop();
console.log(`e2e: browser suite ${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)}s; screenshots in ${screenshots}`);
process.exit(code);
