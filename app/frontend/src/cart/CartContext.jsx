import { createContext, useContext, useEffect, useMemo, useReducer } from 'react';
import { addItem, cartTotals, removeItem, setQuantity } from './cartMath.js';

const STORAGE_KEY = 'ecomops.cart';
const CartContext = createContext(null);

function reducer(items, action) {
  switch (action.type) {
    case 'add':
      return addItem(items, action.product, action.quantity);
    case 'quantity':
      return setQuantity(items, action.id, action.quantity);
    case 'remove':
      return removeItem(items, action.id);
    case 'clear':
      return [];
    default:
      return items;
  }
}

// The cart holds no personal data, so it survives reloads in localStorage.
function loadCart(storage) {
  try {
    const saved = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(saved) ? saved.filter((item) => item && item.id && item.quantity > 0) : [];
  } catch {
    return [];
  }
}

function browserStorage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function CartProvider({ storage = browserStorage(), children }) {
  const [items, dispatch] = useReducer(reducer, storage, loadCart);

  useEffect(() => {
    storage?.setItem(STORAGE_KEY, JSON.stringify(items));
  }, [items, storage]);

  const value = useMemo(
    () => ({
      items,
      ...cartTotals(items),
      add: (product, quantity = 1) => dispatch({ type: 'add', product, quantity }),
      setQuantity: (id, quantity) => dispatch({ type: 'quantity', id, quantity }),
      remove: (id) => dispatch({ type: 'remove', id }),
      clear: () => dispatch({ type: 'clear' }),
      quantityOf: (id) => items.find((item) => item.id === id)?.quantity ?? 0,
    }),
    [items],
  );
  return <CartContext.Provider value={value}>{children}</CartContext.Provider>;
}

export function useCart() {
  const value = useContext(CartContext);
  if (!value) throw new Error('useCart must be used inside <CartProvider>');
  return value;
}
