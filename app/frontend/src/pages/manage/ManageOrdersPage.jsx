import { useState } from 'react';
import { useApi } from '../../api/ApiContext.jsx';
import { OrdersTable } from '../../components/OrdersTable.jsx';
import { EmptyState, ErrorMessage, Loading, Notice } from '../../components/Status.jsx';
import { useDocumentTitle } from '../../hooks/useDocumentTitle.js';
import { OrderSearch, useOrders } from '../OrdersPage.jsx';

// Only orders that were paid (and maybe shipped) can be handed over to the customer.
const DELIVERABLE = new Set(['paid', 'shipped']);

export function ManageOrdersPage() {
  const api = useApi();
  const { search, setSearch, orders } = useOrders();
  const [busy, setBusy] = useState(null);
  const [notice, setNotice] = useState(null);
  const [error, setError] = useState(null);
  useDocumentTitle('All orders');

  async function markDelivered(order) {
    setBusy(order.id);
    setError(null);
    setNotice(null);
    try {
      const updated = await api.setOrderStatus(order.id, 'delivered');
      orders.setData({
        ...orders.data,
        results: orders.data.results.map((o) => (o.id === order.id ? { ...o, ...updated } : o)),
      });
      setNotice(`Order #${order.id} is marked delivered.`);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(null);
    }
  }

  return (
    <section aria-labelledby="manage-orders-title">
      <h1 id="manage-orders-title">All orders</h1>
      <OrderSearch search={search} onSearch={setSearch} />
      <Notice>{notice}</Notice>
      <ErrorMessage error={error} title="The order was not updated" />
      {orders.loading && <Loading label="Loading orders" />}
      <ErrorMessage error={orders.error} onRetry={orders.reload} title="Orders could not be loaded" />
      {orders.data?.results.length === 0 && <EmptyState title={search ? `No orders match “${search}”.` : 'No orders yet.'} />}
      {orders.data?.results.length > 0 && (
        <OrdersTable
          orders={orders.data.results}
          caption="All orders"
          showCustomer
          actions={(order) =>
            DELIVERABLE.has(order.status) ? (
              <button
                type="button"
                className="button button-small"
                disabled={busy === order.id}
                onClick={() => markDelivered(order)}
                // The visible words begin the accessible name (WCAG 2.5.3, label in name).
                aria-label={busy === order.id ? undefined : `Mark delivered, order ${order.id}`}
              >
                {busy === order.id ? 'Saving…' : 'Mark delivered'}
              </button>
            ) : null
          }
        />
      )}
    </section>
  );
}
