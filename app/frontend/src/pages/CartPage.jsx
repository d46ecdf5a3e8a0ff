import { Link } from 'react-router';
import { useCart } from '../cart/CartContext.jsx';
import { formatMoney, formatPrice, lineTotal } from '../cart/cartMath.js';
import { ProductImage } from '../components/ProductCard.jsx';
import { QuantityInput } from '../components/QuantityInput.jsx';
import { EmptyState } from '../components/Status.jsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.js';

export function CartPage() {
  const cart = useCart();
  useDocumentTitle('Cart');

  if (cart.items.length === 0) {
    return (
      <section aria-labelledby="cart-title">
        <h1 id="cart-title">Your cart</h1>
        <EmptyState title="Your cart is empty.">
          <Link to="/">Browse the catalogue</Link>
        </EmptyState>
      </section>
    );
  }

  return (
    <section aria-labelledby="cart-title">
      <h1 id="cart-title">Your cart</h1>
      <ul className="list cart-lines">
        {cart.items.map((item) => (
          <li key={item.id} className="card cart-line">
            <ProductImage product={item} className="thumb" />
            <div className="cart-line-main">
              <Link to={`/products/${item.id}`}>{item.name}</Link>
              <span className="muted">{formatPrice(item.price)} each</span>
            </div>
            <label className="quantity">
              <span>Quantity</span>
              <QuantityInput
                value={item.quantity}
                max={typeof item.stock === 'number' ? item.stock : undefined}
                onCommit={(quantity) => cart.setQuantity(item.id, quantity)}
                label={`Quantity of ${item.name}`}
              />
            </label>
            <span className="line-total" aria-label={`Line total for ${item.name}`}>
              {formatMoney(lineTotal(item))}
            </span>
            <button type="button" className="button-link" onClick={() => cart.remove(item.id)} aria-label={`Remove ${item.name} from the cart`}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <div className="cart-summary card">
        <p>
          {cart.count} {cart.count === 1 ? 'item' : 'items'} · Subtotal{' '}
          <strong data-testid="cart-subtotal">{formatMoney(cart.subtotal)}</strong>
        </p>
        <p className="muted">The final price is confirmed by the shop at checkout.</p>
        <Link className="button" to="/checkout">
          Proceed to checkout
        </Link>
      </div>
    </section>
  );
}
