// Runs the browser suite. With BASE_URL set it targets that site (the lab's
// load balancer, a compose stack, ...) and needs a staff account in
// E2E_ADMIN_EMAIL / E2E_ADMIN_PASSWORD; without it, it starts a real stack
// first (see stack.js) and removes it afterwards: from the source tree by
// default, from the release images with E2E_STACK=images.
//
//   node e2e/run.js
//   E2E_STACK=images FRONTEND_IMAGE=ecommerce-frontend:TAG BACKEND_IMAGE=ecommerce-backend:TAG node e2e/run.js
//   BASE_URL=http://127.0.0.1:8080 E2E_ADMIN_EMAIL=... E2E_ADMIN_PASSWORD=... node e2e/run.js
// Django's admin (the fraud dashboard) is not on the public site: E2E_ADMIN_URL says
// where the backend answers (an SSH tunnel through the bastion); it defaults to BASE_URL.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT, startImageStack, startLocalStack } from './stack.js';

const reports = process.env.REPORTS || path.join(ROOT, 'reports');
const reportName = process.env.E2E_REPORT_NAME || 'frontend-e2e';
const screenshots = path.join(reports, reportName);
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
} else if (process.env.E2E_STACK === 'images') {
  const { FRONTEND_IMAGE: frontendImage, BACKEND_IMAGE: backendImage, POSTGRES_IMAGE: postgresImage } = process.env;
  if (!frontendImage || !backendImage) {
    console.error('e2e: E2E_STACK=images needs FRONTEND_IMAGE and BACKEND_IMAGE (e.g. ecommerce-frontend:TAG).');
    process.exit(2);
  }
  stack = await startImageStack({ frontendImage, backendImage, postgresImage });
} else {
  stack = await startLocalStack();
}
if (stack) {
  env = {
    ...env,
    BASE_URL: stack.baseUrl,
    E2E_ADMIN_URL: stack.adminUrl,
    E2E_ADMIN_EMAIL: stack.admin.email,
    E2E_ADMIN_PASSWORD: stack.admin.password,
  };
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
    `--test-reporter-destination=${path.join(reports, `${reportName}.xml`)}`,
    path.join(import.meta.dirname, 'storefront.test.js'),
  ],
  { env, stdio: 'inherit' },
);
const code = await new Promise((resolve) => suite.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0))));
stack?.stop();
if (code !== 0 && stack) {
  for (const [name, lines] of Object.entries(stack.logs)) console.error(`--- ${name} log (last lines) ---\n${lines.slice(-40).join('')}`);
}
console.log(`e2e: browser suite ${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)}s; screenshots in ${screenshots}`);
process.exit(code);
