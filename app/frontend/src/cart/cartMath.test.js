import { describe, expect, it } from 'vitest';
import { addItem, cartTotals, checkoutLines, clampQuantity, formatMoney, removeItem, setQuantity, toCents } from './cartMath.js';

const laptop = { id: 1, name: 'Laptop', price: '1249.99', stock: 3, image: null };
const pen = { id: 2, name: 'Pen', price: '0.10', stock: 100, image: null };

describe('toCents', () => {
  it('parses decimal strings exactly', () => {
    expect(toCents('1249.99')).toBe(124999);
    expect(toCents('0.1')).toBe(10);
    expect(toCents('30000')).toBe(3000000);
    expect(toCents(19.5)).toBe(1950);
  });

  it('rejects what is not a price', () => {
    expect(() => toCents('12,50')).toThrow(/Not a price/);
  });
});

describe('cart maths', () => {
  it('sums lines in cents without floating-point drift', () => {
    let items = addItem([], pen, 3);
    items = addItem(items, { ...pen, id: 3, price: '0.20' }, 1);
    // 3 x 0.10 + 0.20 is 0.5000000000000001 in floating point.
    expect(cartTotals(items)).toEqual({ count: 4, subtotal: 50 });
    expect(formatMoney(cartTotals(items).subtotal)).toBe('$0.50');
  });

  it('merges repeated adds of one product and caps them at the stock', () => {
    let items = addItem([], laptop);
    items = addItem(items, laptop, 5);
    expect(items).toHaveLength(1);
    expect(items[0].quantity).toBe(3);
  });

  it('keeps quantities between one and the stock', () => {
    expect(clampQuantity('0', 5)).toBe(1);
    expect(clampQuantity('-4', 5)).toBe(1);
    expect(clampQuantity('abc', 5)).toBe(1);
    expect(clampQuantity('7', 5)).toBe(5);
    expect(clampQuantity('2.7', 5)).toBe(2);
    const items = setQuantity(addItem([], laptop), 1, '99');
    expect(items[0].quantity).toBe(3);
  });

  it('removes lines and builds the checkout payload from ids and quantities only', () => {
    let items = addItem(addItem([], laptop, 2), pen, 1);
    expect(checkoutLines(items)).toEqual([
      { product_id: 1, quantity: 2 },
      { product_id: 2, quantity: 1 },
    ]);
    items = removeItem(items, 1);
    expect(cartTotals(items)).toEqual({ count: 1, subtotal: 10 });
  });
});
