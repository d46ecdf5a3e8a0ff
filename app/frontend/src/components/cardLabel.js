export function cardLabel(card) {
  const brand = card.brand ? card.brand.charAt(0).toUpperCase() + card.brand.slice(1) : 'Card';
  const expiry = card.exp_month && card.exp_year ? ` · expires ${String(card.exp_month).padStart(2, '0')}/${card.exp_year}` : '';
  return `${brand} ending ${card.last4}${expiry}`;
}
