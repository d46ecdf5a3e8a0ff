import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useApi } from '../api/ApiContext.jsx';
import { asPage } from '../api/client.js';
import { useAuth } from '../auth/AuthContext.jsx';
import { ProductCard } from '../components/ProductCard.jsx';
import { EmptyState, ErrorMessage, Loading } from '../components/Status.jsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.js';
import { useResource } from '../hooks/useResource.js';

export function CataloguePage() {
  const api = useApi();
  const auth = useAuth();
  const [params, setParams] = useSearchParams();
  const search = params.get('search') ?? '';
  const page = Number(params.get('page') ?? '1') || 1;
  const [draft, setDraft] = useState(search);
  useDocumentTitle(search ? `Search: ${search}` : 'Catalogue');

  const products = useResource(async () => asPage(await api.products({ search, page })), [api, search, page]);

  function submit(event) {
    event.preventDefault();
    const next = new URLSearchParams();
    if (draft.trim()) next.set('search', draft.trim());
    setParams(next);
  }

  function goTo(nextPage) {
    const next = new URLSearchParams(params);
    next.set('page', String(nextPage));
    setParams(next);
  }

  const data = products.data;
  return (
    <section aria-labelledby="catalogue-title">
      <div className="page-head">
        <h1 id="catalogue-title">{search ? `Results for “${search}”` : 'Catalogue'}</h1>
        {auth.isAdmin && (
          <Link className="button" to="/manage/products/new">
            New product
          </Link>
        )}
      </div>
      <form role="search" className="search" onSubmit={submit}>
        <label htmlFor="product-search" className="visually-hidden">
          Search products
        </label>
        <input
          id="product-search"
          type="search"
          name="search"
          placeholder="Search products"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
        />
        <button type="submit" className="button">
          Search
        </button>
      </form>
      {products.loading && <Loading label="Loading products" />}
      <ErrorMessage error={products.error} onRetry={products.reload} title="Products could not be loaded" />
      {data && data.results.length === 0 && (
        <EmptyState title={search ? `No products match “${search}”.` : 'The catalogue is empty.'}>
          {search && (
            <button type="button" className="button-link" onClick={() => setParams(new URLSearchParams())}>
              Show all products
            </button>
          )}
        </EmptyState>
      )}
      {data && data.results.length > 0 && (
        <>
          <p className="muted" aria-live="polite">
            {data.count} {data.count === 1 ? 'product' : 'products'}
          </p>
          <ul className="product-grid">
            {data.results.map((product) => (
              <ProductCard key={product.id} product={product} />
            ))}
          </ul>
          {(data.next || data.previous) && (
            <nav className="pagination" aria-label="Pages">
              <button type="button" className="button button-secondary" disabled={!data.previous} onClick={() => goTo(page - 1)}>
                Previous
              </button>
              <span>Page {page}</span>
              <button type="button" className="button button-secondary" disabled={!data.next} onClick={() => goTo(page + 1)}>
                Next
              </button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}
