// The storefront's main journeys in a real Chromium against a real backend:
// a shopper registers, searches, buys two products with a sandbox card, has a
// declined card explained, and sees the order delivered once staff mark it;
// staff read the fraud dashboard that scored those checkouts.
// Every step leaves a screenshot in SCREENSHOT_DIR.
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const BASE_URL = process.env.BASE_URL.replace(/\/$/, '');
// Django's admin is not on the public site: operators reach the backend itself.
const ADMIN_URL = (process.env.E2E_ADMIN_URL || BASE_URL).replace(/\/$/, '');
const SHOTS = process.env.SCREENSHOT_DIR;
const ADMIN = { email: process.env.E2E_ADMIN_EMAIL, password: process.env.E2E_ADMIN_PASSWORD };
const SHOPPER = {
  first: 'Robin',
  last: 'Tester',
  email: `shopper-${Date.now()}-${process.pid}@example.com`,
  password: `Sturdy-Pass-${Date.now()}`,
};
const TIMEOUT = 15_000;
// A real 64x64 PNG (a brown circle): the backend checks uploads with Pillow.
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAEAAAABACAIAAAAlC+aJAAAA7UlEQVR42u2ZwQ3DMAhFE5SxOkSH6aEj9JCxeug4HaETNLIxYCwe10j//2ewZMf793PfVi7ZFi8AAAAAAAAAAAAAAACYV4eH6Ovx/vfped5svXbDC81Fbj8SG4Cu6LYYowDq6FYYMj39oI5MTz+oJhnSj2hKkvRqZcmTXqcvqdIrXCqdhWKWv9erTAcil7/LkfvAEgDx89PuywgBAAAAAADg+tdgpFp8GaFVAOKnqNGx0ghFNqHdq9gmjmlCl4u4qnunV46QH4NCWcKcnDQl2M9cTaa4GuqUfyNTY+R6pWwnSf1OzHEaAAAAKAjwAxtKW7uU5RtDAAAAAElFTkSuQmCC',
  'base64',
);

let browser;
let shopper;
let step = 0;
const state = {};

async function shot(page, name) {
  step += 1;
  await page.screenshot({ path: path.join(SHOTS, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
}

// WCAG 2.1 A/AA checks by axe-core on the page as the shopper sees it; serious
// and critical findings fail the step.
async function assertAccessible(page, what) {
  await page.addScriptTag({ path: AXE_SCRIPT });
  const results = await page.evaluate(() =>
    globalThis.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = blocking.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(report, [], `accessibility problems on ${what}`);
}

async function newPage(viewport = { width: 1280, height: 900 }, baseURL = BASE_URL) {
  // bypassCSP lets the suite inject axe-core; the site's own CSP forbids inline scripts.
  const context = await browser.newContext({ viewport, baseURL, bypassCSP: true });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`browser error: ${error.message}`));
  return page;
}

async function api(pathname, { token, method = 'GET', body } = {}) {
  const response = await fetch(`${BASE_URL}${pathname}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function shopperOrders() {
  const login = await api('/api/auth/token', { method: 'POST', body: { email: SHOPPER.email, password: SHOPPER.password } });
  assert.equal(login.status, 200, 'the shopper can log in through the API');
  const orders = await api('/api/orders', { token: login.body.access });
  return orders.body.results ?? orders.body;
}

async function addToCartFromSearch(page, product) {
  const box = page.getByRole('searchbox', { name: 'Search products' });
  await box.fill(product.name);
  await box.press('Enter');
  await page.getByRole('heading', { name: `Results for “${product.name}”` }).waitFor();
  await page.getByRole('button', { name: `Add to cart: ${product.name}` }).click();
}

async function checkout(page, cardLabel) {
  await page.getByRole('link', { name: /^Cart/ }).click();
  await page.getByRole('link', { name: 'Proceed to checkout' }).click();
  await page.getByRole('heading', { name: 'Checkout' }).waitFor();
  await page.getByRole('radio', { name: /Main Street/ }).waitFor();
  await page.getByRole('radio', { name: cardLabel }).check();
  await page.getByRole('button', { name: /^Pay / }).click();
}

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    // Chromium's sandbox needs user namespaces, which CI containers running as root lack.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  shopper = await newPage();
  // Two in-stock products from the live catalogue, whatever it holds.
  const catalogue = await api('/api/products');
  assert.equal(catalogue.status, 200, 'the catalogue API answers through the site');
  const inStock = (catalogue.body.results ?? catalogue.body).filter((p) => p.stock >= 3);
  assert.ok(inStock.length >= 2, 'the catalogue has at least two products with stock');
  state.products = inStock.slice(0, 2);
});

after(async () => {
  await browser?.close();
});

// Logs staff into the Django admin (its own session login, not the SPA's token).
async function adminPage(viewport) {
  const page = await newPage(viewport, ADMIN_URL);
  await page.goto('/admin/login/?next=/admin/fraud/');
  await page.locator('#id_username').fill(ADMIN.email);
  await page.locator('#id_password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#fraud-dashboard').waitFor();
  return page;
}

// Every visible table header (and, on a phone, every row card's label) at least as wide
// as its longest word, both measured in the browser with the element's own font: a header
// squeezed below that is broken inside a word ("o r d e r") or runs out of its cell.
async function headersNarrowerThanAWord(page) {
  return page.evaluate(() => {
    const found = { checked: 0, narrow: [] };
    for (const el of document.querySelectorAll('#fraud-dashboard th, #fraud-dashboard .cell-label')) {
      const thead = el.closest('thead');
      // A phone's row cards hide the header row from sight (kept for screen readers).
      if (thead && getComputedStyle(thead).clip !== 'auto') continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const words = el.textContent.trim().split(/\s+/).filter(Boolean);
      const probe = document.createElement('span');
      probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap';
      el.appendChild(probe);
      let widest = 0;
      let widestWord = '';
      for (const word of words) {
        probe.textContent = word;
        const width = probe.getBoundingClientRect().width;
        if (width > widest) [widest, widestWord] = [width, word];
      }
      probe.remove();
      const style = getComputedStyle(el);
      const content = box.width - ['paddingLeft', 'paddingRight', 'borderLeftWidth', 'borderRightWidth']
        .reduce((sum, key) => sum + parseFloat(style[key]), 0);
      found.checked += 1;
      if (content + 0.5 < widest) found.narrow.push(`"${widestWord}" needs ${widest.toFixed(1)}px, has ${content.toFixed(1)}px`);
    }
    return found;
  });
}

// Tick labels of one histogram axis: evenly spaced multiples of 1, 2 or 5 times a power of ten.
function assertRoundTicks(labels, axis) {
  assert.ok(labels.length >= 2, `the ${axis} axis has ticks: ${labels}`);
  const values = labels.map(Number);
  assert.ok(values.every(Number.isFinite), `${axis} ticks are numbers: ${labels}`);
  const step = values[1] - values[0];
  const mantissa = step / 10 ** Math.floor(Math.log10(step));
  assert.ok([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9), `${axis} tick step ${step} is 1, 2 or 5 x 10^k: ${labels}`);
  values.forEach((value, i) => {
    assert.ok(Math.abs(value - values[0] - i * step) < step * 1e-6, `${axis} ticks evenly spaced: ${labels}`);
    assert.ok(Math.abs(value / step - Math.round(value / step)) < 1e-6, `${axis} tick ${value} is a multiple of ${step}`);
  });
}

// The seven parts the seed asked for, each inside the window.
const FRAUD_PARTS = ['#fraud-totals', '#fraud-errors', '#fraud-flagged', '#fraud-histogram', '#fraud-alerts', '#fraud-export', '#fraud-retrain'];

async function assertFraudDashboardReadable(page, what) {
  const headers = await headersNarrowerThanAWord(page);
  assert.ok(headers.checked >= 10, `${what}: the dashboard's table headers were measured (${headers.checked})`);
  assert.deepEqual(headers.narrow, [], `${what}: table headers narrower than their longest word`);
  const { overflow, widest } = await page.evaluate(() => {
    // The innermost elements past the window's right edge: what to fix, not just how much.
    const past = [...document.body.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5);
    const innermost = past.filter((el) => !past.some((other) => other !== el && el.contains(other)));
    const name = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${el.textContent.trim().slice(0, 40)}"`;
    return { overflow: document.documentElement.scrollWidth - window.innerWidth, widest: innermost.slice(0, 3).map(name) };
  });
  assert.ok(overflow <= 0, `${what}: no horizontal scrolling (page is ${overflow}px too wide: ${widest.join(', ')})`);
  for (const part of FRAUD_PARTS) {
    const box = await page.locator(part).boundingBox();
    assert.ok(box, `${what}: ${part} is shown`);
    assert.ok(box.x >= 0 && box.x + box.width <= page.viewportSize().width + 0.5, `${what}: ${part} fits the window`);
  }
  for (const axis of ['x', 'y']) {
    assertRoundTicks(await page.locator(`#fraud-histogram .tick-${axis} span`).allTextContents(), `${what}, ${axis}`);
  }
}

describe('storefront', () => {
  it('a visitor registers and is logged in', async () => {
    await shopper.goto('/');
    await shopper.getByRole('link', { name: 'Register' }).click();
    await shopper.getByLabel('First name').fill(SHOPPER.first);
    await shopper.getByLabel('Last name').fill(SHOPPER.last);
    await shopper.getByLabel('Email').fill(SHOPPER.email);
    await shopper.getByLabel('Password', { exact: true }).fill(SHOPPER.password);
    await shopper.getByLabel('Confirm password').fill(SHOPPER.password);
    await shot(shopper, 'register-form');
    await shopper.getByRole('button', { name: 'Create account' }).click();
    await shopper.getByRole('button', { name: 'Log out' }).waitFor();
    await shopper.getByRole('heading', { name: 'Catalogue' }).waitFor();
    await shot(shopper, 'registered-catalogue');
    await assertAccessible(shopper, 'the catalogue');
  });

  it('search finds a product and explains an empty result', async () => {
    const [first] = state.products;
    const box = shopper.getByRole('searchbox', { name: 'Search products' });
    await box.fill('no-such-product-xyz');
    await box.press('Enter');
    await shopper.getByText('No products match “no-such-product-xyz”.').waitFor();
    await shot(shopper, 'search-empty');
    await box.fill(first.name);
    await box.press('Enter');
    await shopper.getByRole('link', { name: first.name, exact: true }).waitFor();
    await shot(shopper, 'search-results');
  });

  it('two products go into the cart with the right subtotal', async () => {
    const [first, second] = state.products;
    await addToCartFromSearch(shopper, first);
    await addToCartFromSearch(shopper, second);
    await shopper.getByRole('link', { name: /^Cart \(2\)/ }).click();
    await shopper.getByRole('heading', { name: 'Your cart' }).waitFor();
    const quantity = shopper.getByRole('spinbutton', { name: `Quantity of ${second.name}` });
    await quantity.fill('2');
    const cents = Math.round(Number(first.price) * 100) + 2 * Math.round(Number(second.price) * 100);
    const expected = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);
    await shopper.getByTestId('cart-subtotal').filter({ hasText: expected }).waitFor();
    state.expectedTotal = cents;
    await shot(shopper, 'cart-two-products');
    await assertAccessible(shopper, 'the cart');
  });

  it('checkout with the sandbox Visa card shows the paid order', async () => {
    await shopper.getByRole('link', { name: 'Proceed to checkout' }).click();
    await shopper.getByRole('heading', { name: 'Checkout' }).waitFor();
    await shopper.getByText('Your cart is empty').waitFor({ state: 'detached' });

    await shopper.getByRole('button', { name: 'Add a new address' }).click();
    await shopper.getByLabel('Full name').fill(`${SHOPPER.first} ${SHOPPER.last}`);
    await shopper.getByLabel('Phone number').fill('5550100');
    await shopper.getByLabel('Street and house number').fill('12 Main Street');
    await shopper.getByLabel('City').fill('Springfield');
    await shopper.getByLabel('State or region').fill('IL');
    await shopper.getByLabel('Postal code').fill('62701');
    await shopper.getByRole('button', { name: 'Use this address' }).click();
    await shopper.getByRole('radio', { name: /12 Main Street/ }).waitFor();

    await shopper.getByRole('button', { name: 'Add a card' }).click();
    await shopper.getByLabel('Test card', { exact: true }).selectOption('pm_card_visa');
    await shopper.getByRole('button', { name: 'Save card' }).click();
    await shopper.getByRole('radio', { name: /ending 4242/ }).waitFor();
    await shot(shopper, 'checkout-ready');
    await assertAccessible(shopper, 'the checkout');

    await shopper.getByRole('button', { name: /^Pay / }).click();
    const heading = shopper.getByRole('heading', { name: /^Order \d+$/ });
    await heading.waitFor();
    state.orderId = Number((await heading.textContent()).replace('Order ', ''));
    await shopper.getByText('Your payment went through').waitFor();
    assert.match(await shopper.getByTestId('payment-status').textContent(), /^Paid/);
    await shot(shopper, 'order-paid');

    const order = (await shopperOrders()).find((o) => o.id === state.orderId);
    assert.equal(order.status, 'paid');
    assert.equal(Math.round(Number(order.total) * 100), state.expectedTotal, 'the server charged the cart total');
    assert.equal(order.items.length, 2);
  });

  it('a declined card is explained and creates no paid order', async () => {
    const [first] = state.products;
    await shopper.getByRole('link', { name: 'Catalogue' }).click();
    await addToCartFromSearch(shopper, first);

    await shopper.getByRole('link', { name: /^Cart/ }).click();
    await shopper.getByRole('link', { name: 'Proceed to checkout' }).click();
    await shopper.getByRole('button', { name: 'Add a card' }).click();
    await shopper.getByLabel('Test card', { exact: true }).selectOption('pm_card_chargeDeclined');
    await shopper.getByRole('button', { name: 'Save card' }).click();
    await shopper.getByRole('radio', { name: /ending 0002/ }).check();
    await shopper.getByRole('button', { name: /^Pay / }).click();

    const alert = shopper.getByRole('alert');
    await alert.filter({ hasText: 'Payment declined' }).waitFor();
    assert.match(await alert.textContent(), /Your card was declined.*No money was taken and no order was placed/);
    await shot(shopper, 'card-declined');
    await assertAccessible(shopper, 'the declined checkout');

    const paid = (await shopperOrders()).filter((o) => ['paid', 'shipped', 'delivered'].includes(o.status));
    assert.deepEqual(
      paid.map((o) => o.id),
      [state.orderId],
      'only the first order is paid',
    );
    // The cart is kept so the shopper can retry with another card.
    await shopper.getByRole('link', { name: /^Cart \(1\)/ }).waitFor();
  });

  it('staff mark the order delivered and the shopper sees it', async () => {
    const staff = await newPage();
    await staff.goto('/login');
    await staff.getByLabel('Email').fill(ADMIN.email);
    await staff.getByLabel('Password').fill(ADMIN.password);
    await staff.getByRole('button', { name: 'Log in' }).click();
    await staff.getByRole('link', { name: 'All orders' }).click();
    const box = staff.getByRole('searchbox', { name: 'Search orders' });
    await box.fill(String(state.orderId));
    await box.press('Enter');
    await staff.getByRole('button', { name: `Mark delivered, order ${state.orderId}` }).click();
    await staff.getByText(`Order #${state.orderId} is marked delivered.`).waitFor();
    await shot(staff, 'staff-marked-delivered');
    await assertAccessible(staff, 'the staff order list');
    await staff.context().close();

    await shopper.getByRole('link', { name: 'My orders' }).click();
    const row = shopper.getByTestId(`order-row-${state.orderId}`);
    await row.getByText('Delivered').waitFor();
    await row.getByRole('link', { name: `#${state.orderId}` }).click();
    await shopper.getByRole('term').filter({ hasText: 'Delivered' }).waitFor();
    await shot(shopper, 'shopper-sees-delivered');
    await assertAccessible(shopper, 'the order page');
  });

  it('staff create a product with an image, change its price and delete it', async () => {
    const staff = await newPage();
    await staff.goto('/login');
    await staff.getByLabel('Email').fill(ADMIN.email);
    await staff.getByLabel('Password').fill(ADMIN.password);
    await staff.getByRole('button', { name: 'Log in' }).click();
    await staff.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New product' }).click();
    const name = `E2E Teapot ${Date.now()}`;
    await staff.getByLabel('Name').fill(name);
    await staff.getByLabel('Description').fill('Pours without dripping.');
    await staff.getByLabel('Price (USD)').fill('24.50');
    await staff.getByLabel('Stock').fill('4');
    await staff.getByLabel('Image').setInputFiles({ name: 'teapot.png', mimeType: 'image/png', buffer: TINY_PNG });
    await staff.getByRole('button', { name: 'Create product' }).click();

    await staff.getByRole('heading', { name }).waitFor();
    await staff.getByText('$24.50').waitFor();
    await staff.getByText('Only 4 left').waitFor();
    const image = staff.locator('img.product-image');
    await image.waitFor();
    assert.ok(await image.evaluate((img) => img.complete && img.naturalWidth > 0), 'the uploaded image is served back');
    await shot(staff, 'staff-created-product');
    await assertAccessible(staff, 'the product page');

    await staff.getByRole('link', { name: 'Edit product' }).click();
    await staff.getByLabel('Price (USD)').fill('19.99');
    await staff.getByRole('button', { name: 'Save changes' }).click();
    await staff.getByText('$19.99').waitFor();

    staff.once('dialog', (dialog) => dialog.accept());
    await staff.getByRole('button', { name: 'Delete product' }).click();
    await staff.getByRole('heading', { name: 'Catalogue' }).waitFor();
    const search = await api(`/api/products?search=${encodeURIComponent(name)}`);
    assert.equal((search.body.results ?? search.body).length, 0, 'the product is gone from the catalogue');
    await staff.context().close();
  });

  it('staff read the fraud dashboard at 1280 px and on a phone, the checkouts scored', async () => {
    const desk = await adminPage({ width: 1280, height: 900 });
    // The checkouts above were scored: a deployed shop has an active model from its first order.
    const scored = Number(await desk.locator('#fraud-scored').textContent());
    assert.ok(scored >= 2, `the paid and the declined checkout were scored (${scored})`);
    await desk.locator('#fraud-active-model').waitFor();
    await assertFraudDashboardReadable(desk, 'the fraud dashboard at 1280 px');
    await shot(desk, 'fraud-dashboard-1280');
    await desk.context().close();

    const phone = await adminPage({ width: 390, height: 844 });
    await assertFraudDashboardReadable(phone, 'the fraud dashboard on a phone');
    await shot(phone, 'fraud-dashboard-phone');
    await phone.context().close();
  });

  it('the catalogue works on a phone-sized screen', async () => {
    const phone = await newPage({ width: 390, height: 844 });
    await phone.goto('/');
    await phone.getByRole('heading', { name: 'Catalogue' }).waitFor();
    await phone.getByText(/^\d+ products?$/).waitFor();
    const menu = phone.getByRole('button', { name: 'Menu' });
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    await menu.click();
    await phone.getByRole('link', { name: 'Log in' }).waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, 'no horizontal scrolling on a phone');
    await shot(phone, 'phone-catalogue');
    await assertAccessible(phone, 'the catalogue on a phone');
    await phone.context().close();
  });

  it('a logged-out shopper is sent to the login page and nginx-style deep links work', async () => {
    await shopper.getByRole('button', { name: 'Log out' }).click();
    await shopper.getByRole('link', { name: 'Log in' }).waitFor();
    await shopper.goto(`/orders/${state.orderId}`);
    await shopper.getByRole('heading', { name: 'Log in' }).waitFor();
    await shot(shopper, 'logged-out-redirect');
  });
});
