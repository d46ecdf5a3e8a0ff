import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useApi } from '../api/ApiContext.jsx';
import { useAuth } from '../auth/AuthContext.jsx';
import { formatPrice } from '../cart/cartMath.js';
import { AddToCartButton, ProductImage } from '../components/ProductCard.jsx';
import { StockBadge } from '../components/StockBadge.jsx';
import { ErrorMessage, Loading } from '../components/Status.jsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.js';
import { useResource } from '../hooks/useResource.js';

export function ProductPage() {
  const { id } = useParams();
  const api = useApi();
  const auth = useAuth();
  const navigate = useNavigate();
  const product = useResource(() => api.product(id), [api, id]);
  const [deleteError, setDeleteError] = useState(null);
  useDocumentTitle(product.data?.name ?? 'Product');

  async function remove() {
    if (!window.confirm(`Delete “${product.data.name}” from the catalogue?`)) return;
    try {
      await api.deleteProduct(id);
      navigate('/', { replace: true });
    } catch (error) {
      setDeleteError(error);
    }
  }

  if (product.loading) return <Loading label="Loading product" />;
  if (product.error) {
    return (
      <section>
        <h1>Product unavailable</h1>
        <ErrorMessage
          error={product.error.status === 404 ? 'This product does not exist any more.' : product.error}
          onRetry={product.error.status === 404 ? undefined : product.reload}
        />
        <Link to="/">Back to the catalogue</Link>
      </section>
    );
  }
  const item = product.data;
  return (
    <article className="product-detail" aria-labelledby="product-title">
      <ProductImage product={item} className="product-image large" />
      <div>
        <h1 id="product-title">{item.name}</h1>
        <p className="price large">{formatPrice(item.price)}</p>
        <StockBadge stock={item.stock} />
        <p className="description">{item.description}</p>
        <div className="actions">
          <AddToCartButton product={item} />
          <Link to="/cart">Go to cart</Link>
        </div>
        {auth.isAdmin && (
          <div className="actions admin-actions">
            <Link className="button button-secondary" to={`/manage/products/${item.id}/edit`}>
              Edit product
            </Link>
            <button type="button" className="button button-danger" onClick={remove}>
              Delete product
            </button>
          </div>
        )}
        <ErrorMessage error={deleteError} title="The product was not deleted" />
      </div>
    </article>
  );
}
