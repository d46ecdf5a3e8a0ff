import { Link, useLocation, useParams } from 'react-router';
import { useApi } from '../api/ApiContext.jsx';
import { formatMoney, formatPrice, toCents } from '../cart/cartMath.js';
import { cardLabel } from '../components/cardLabel.js';
import { formatDate, OrderStatus } from '../components/OrderStatus.jsx';
import { ErrorMessage, Loading, Notice } from '../components/Status.jsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.js';
import { useResource } from '../hooks/useResource.js';

export function OrderPage() {
  const { id } = useParams();
  const api = useApi();
  const location = useLocation();
  const order = useResource(() => api.order(id), [api, id]);
  useDocumentTitle(`Order ${id}`);

  if (order.loading) return <Loading label="Loading order" />;
  if (order.error) {
    return (
      <section>
        <h1>Order {id}</h1>
        <ErrorMessage error={order.error.status === 404 ? 'There is no such order in your account.' : order.error} onRetry={order.reload} />
        <Link to="/orders">Back to my orders</Link>
      </section>
    );
  }
  const data = order.data;
  const paid = data.status !== 'pending' && data.status !== 'cancelled';
  return (
    <article aria-labelledby="order-title" className="order">
      <h1 id="order-title">Order {data.id}</h1>
      {location.state?.placed && paid && <Notice>Thank you! Your payment went through and the order is placed.</Notice>}
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <OrderStatus status={data.status} />
        </dd>
        <dt>Payment</dt>
        <dd data-testid="payment-status">
          {paid ? `Paid${data.paid_at ? ` on ${formatDate(data.paid_at)}` : ''}` : 'Not paid'}
          {data.card_last4 && ` with ${cardLabel({ brand: data.card_brand, last4: data.card_last4 })}`}
        </dd>
        {data.delivered_at && (
          <>
            <dt>Delivered</dt>
            <dd>{formatDate(data.delivered_at)}</dd>
          </>
        )}
        <dt>Placed</dt>
        <dd>{formatDate(data.created_at)}</dd>
        <dt>Ship to</dt>
        <dd className="pre">{data.shipping_address}</dd>
      </dl>
      <table className="table">
        <caption className="visually-hidden">Items in order {data.id}</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Quantity</th>
            <th scope="col">Unit price</th>
            <th scope="col">Line total</th>
          </tr>
        </thead>
        <tbody>
          {(data.items ?? []).map((item, index) => (
            <tr key={item.id ?? index}>
              <td>{item.product ? <Link to={`/products/${item.product}`}>{item.product_name}</Link> : item.product_name}</td>
              <td>{item.quantity}</td>
              <td>{formatPrice(item.unit_price, data.currency)}</td>
              <td>{formatMoney(toCents(item.unit_price) * item.quantity, data.currency)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              Total
            </th>
            <td>
              <strong>{formatPrice(data.total, data.currency)}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
      <Link to="/orders">Back to my orders</Link>
    </article>
  );
}
