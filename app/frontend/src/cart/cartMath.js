// Money is handled in integer cents: the backend sends decimals as strings and
// floating-point sums of prices drift (0.1 + 0.2).

export function toCents(price) {
  if (price === null || price === undefined || price === '') return 0;
  const text = String(price).trim();
  const match = /^(-)?(\d+)(?:\.(\d{0,2})\d*)?$/.exec(text);
  if (!match) throw new Error(`Not a price: ${text}`);
  const [, minus, whole, fraction = ''] = match;
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return minus ? -cents : cents;
}

// The catalogue is priced in the shop's one currency; orders carry their own.
export function formatMoney(cents, currency = 'USD') {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);
}

export function formatPrice(price, currency) {
  return formatMoney(toCents(price), currency);
}

// How many of a product may be in the cart: never more than the stock the
// catalogue showed, never less than one.
export function clampQuantity(quantity, stock) {
  const wanted = Math.floor(Number(quantity));
  if (!Number.isFinite(wanted) || wanted < 1) return 1;
  if (typeof stock === 'number' && stock >= 0) return Math.min(wanted, Math.max(stock, 1));
  return wanted;
}

export function lineTotal(item) {
  return toCents(item.price) * item.quantity;
}

export function cartTotals(items) {
  return items.reduce(
    (totals, item) => ({
      count: totals.count + item.quantity,
      subtotal: totals.subtotal + lineTotal(item),
    }),
    { count: 0, subtotal: 0 },
  );
}

export function addItem(items, product, quantity = 1) {
  const existing = items.find((item) => item.id === product.id);
  if (existing) {
    return items.map((item) =>
      item.id === product.id
        ? { ...item, stock: product.stock, quantity: clampQuantity(item.quantity + quantity, product.stock) }
        : item,
    );
  }
  const { id, name, price, stock, image } = product;
  return [...items, { id, name, price, stock, image, quantity: clampQuantity(quantity, stock) }];
}

export function setQuantity(items, id, quantity) {
  return items.map((item) => (item.id === id ? { ...item, quantity: clampQuantity(quantity, item.stock) } : item));
}

export function removeItem(items, id) {
  return items.filter((item) => item.id !== id);
}

export function checkoutLines(items) {
  return items.map((item) => ({ product_id: item.id, quantity: item.quantity }));
}
