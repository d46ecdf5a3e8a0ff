import { Link } from 'react-router';
import { useCart } from '../cart/CartContext.jsx';
import { formatPrice } from '../cart/cartMath.js';
import { StockBadge } from './StockBadge.jsx';

export function ProductImage({ product, className = 'product-image' }) {
  if (!product.image) return <div className={`${className} placeholder`} aria-hidden="true" />;
  return <img className={className} src={product.image} alt="" loading="lazy" />;
}

export function AddToCartButton({ product, quantity = 1 }) {
  const cart = useCart();
  const inCart = cart.quantityOf(product.id);
  const soldOut = typeof product.stock === 'number' && product.stock <= 0;
  const atLimit = typeof product.stock === 'number' && inCart >= product.stock;
  let label = 'Add to cart';
  if (soldOut) label = 'Sold out';
  else if (atLimit) label = 'All in cart';
  return (
    <button
      type="button"
      className="button"
      disabled={soldOut || atLimit}
      onClick={() => cart.add(product, quantity)}
      aria-label={`${label}: ${product.name}`}
    >
      {label}
      {inCart > 0 && !atLimit ? ` (${inCart} in cart)` : ''}
    </button>
  );
}

export function ProductCard({ product }) {
  return (
    <li className="card product-card">
      <ProductImage product={product} />
      <h2 className="product-name">
        <Link to={`/products/${product.id}`}>{product.name}</Link>
      </h2>
      <p className="price">{formatPrice(product.price)}</p>
      <StockBadge stock={product.stock} />
      <AddToCartButton product={product} />
    </li>
  );
}
