export function StockBadge({ stock }) {
  if (typeof stock !== 'number') return null;
  if (stock <= 0) return <span className="badge badge-out">Out of stock</span>;
  if (stock <= 5) return <span className="badge badge-low">Only {stock} left</span>;
  return <span className="badge badge-in">{stock} in stock</span>;
}
