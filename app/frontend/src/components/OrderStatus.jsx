export const ORDER_STATUS_TEXT = {
  pending: 'Awaiting payment',
  paid: 'Paid',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
};

export function OrderStatus({ status }) {
  return <span className={`badge status-${status}`}>{ORDER_STATUS_TEXT[status] ?? status}</span>;
}

export function formatDate(value) {
  if (!value) return '';
  return new Date(value).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}
