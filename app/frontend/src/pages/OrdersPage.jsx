import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useApi } from '../api/ApiContext.jsx';
import { asPage } from '../api/client.js';
import { OrdersTable } from '../components/OrdersTable.jsx';
import { EmptyState, ErrorMessage, Loading } from '../components/Status.jsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.js';
import { useResource } from '../hooks/useResource.js';

export function OrderSearch({ search, onSearch }) {
  const [draft, setDraft] = useState(search);
  return (
    <form
      role="search"
      className="search"
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(draft.trim());
      }}
    >
      <label htmlFor="order-search" className="visually-hidden">
        Search orders
      </label>
      <input id="order-search" type="search" placeholder="Order number or product" value={draft} onChange={(e) => setDraft(e.target.value)} />
      <button type="submit" className="button">
        Search
      </button>
    </form>
  );
}

// Both "My orders" and the staff list read /api/orders; the backend decides
// whose orders a caller sees.
export function useOrders() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const search = params.get('search') ?? '';
  const orders = useResource(async () => asPage(await api.orders({ search })), [api, search]);
  const setSearch = (value) => setParams(value ? { search: value } : {});
  return { search, setSearch, orders };
}

export function OrdersPage() {
  const { search, setSearch, orders } = useOrders();
  useDocumentTitle('My orders');
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">My orders</h1>
      <OrderSearch search={search} onSearch={setSearch} />
      {orders.loading && <Loading label="Loading orders" />}
      <ErrorMessage error={orders.error} onRetry={orders.reload} title="Orders could not be loaded" />
      {orders.data?.results.length === 0 && (
        <EmptyState title={search ? `No orders match “${search}”.` : 'You have not ordered anything yet.'}>
          <Link to="/">Browse the catalogue</Link>
        </EmptyState>
      )}
      {orders.data?.results.length > 0 && <OrdersTable orders={orders.data.results} caption="Your orders" />}
    </section>
  );
}
