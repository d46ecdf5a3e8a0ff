import { Link } from 'react-router';
import { formatPrice } from '../cart/cartMath.js';
import { formatDate, OrderStatus } from './OrderStatus.jsx';

// Shared by "My orders" and the staff view; `actions` renders per-row controls.
export function OrdersTable({ orders, caption, showCustomer = false, actions }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Placed</th>
            {showCustomer && <th scope="col">Customer</th>}
            <th scope="col">Items</th>
            <th scope="col">Total</th>
            <th scope="col">Status</th>
            {actions && <th scope="col">Action</th>}
          </tr>
        </thead>
        <tbody>
          {orders.map((order) => (
            <tr key={order.id} data-testid={`order-row-${order.id}`}>
              <td>
                <Link to={`/orders/${order.id}`}>#{order.id}</Link>
              </td>
              <td>{formatDate(order.created_at)}</td>
              {showCustomer && <td>{order.user_email ?? order.email ?? order.user ?? ''}</td>}
              <td>{(order.items ?? []).map((item) => `${item.quantity} × ${item.product_name}`).join(', ')}</td>
              <td>{formatPrice(order.total, order.currency)}</td>
              <td>
                <OrderStatus status={order.status} />
              </td>
              {actions && <td>{actions(order)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
