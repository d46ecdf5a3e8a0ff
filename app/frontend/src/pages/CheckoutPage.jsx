import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useApi } from '../api/ApiContext.jsx';
import { asPage, isRetryable, newIdempotencyKey } from '../api/client.js';
import { useCart } from '../cart/CartContext.jsx';
import { checkoutLines, formatMoney, lineTotal } from '../cart/cartMath.js';
import { AddressForm, formatAddress } from '../components/AddressForm.jsx';
import { CardForm } from '../components/CardForm.jsx';
import { cardLabel } from '../components/cardLabel.js';
import { EmptyState, ErrorMessage, Loading } from '../components/Status.jsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.js';
import { useResource } from '../hooks/useResource.js';

// What a failed checkout means for the shopper, by HTTP status.
export function checkoutFailure(error, items = []) {
  if (error.status === 402) {
    const reason = error.body?.decline_code;
    const detail = reason && !['card_declined', 'generic_decline'].includes(reason) ? ` (${reason.replace(/_/g, ' ')})` : '';
    return {
      title: 'Payment declined',
      message: `Your card was declined${detail}. No money was taken and no order was placed. Choose another card and try again.`,
    };
  }
  if (error.status === 409) {
    const available = error.body?.available ?? {};
    const shortages = items
      .filter((item) => String(item.id) in available)
      .map((item) => `${item.name}: only ${available[String(item.id)]} left`);
    return {
      title: 'Not enough stock',
      message: `${shortages.length ? `${shortages.join('; ')}.` : error.message} Lower the quantities in your cart and try again.`,
    };
  }
  if (isRetryable(error)) {
    return {
      title: 'Your order is not confirmed yet',
      message: `${error.message} Press Pay again: if the first try went through you get that order, and you are never charged twice.`,
    };
  }
  return { title: 'The order was not placed', message: error.message };
}

function ChoiceList({ legend, name, items, selected, onSelect, describe }) {
  return (
    <fieldset className="choices">
      <legend>{legend}</legend>
      {items.map((item) => (
        <label key={item.id} className="choice">
          <input type="radio" name={name} value={item.id} checked={selected === item.id} onChange={() => onSelect(item.id)} />
          <span>{describe(item)}</span>
        </label>
      ))}
    </fieldset>
  );
}

export function CheckoutPage() {
  const api = useApi();
  const cart = useCart();
  const navigate = useNavigate();
  const addresses = useResource(async () => asPage(await api.addresses()).results, [api]);
  const cards = useResource(async () => asPage(await api.cards()).results, [api]);
  const [addressId, setAddressId] = useState(null);
  const [cardId, setCardId] = useState(null);
  const [addingAddress, setAddingAddress] = useState(false);
  const [addingCard, setAddingCard] = useState(false);
  const [failure, setFailure] = useState(null);
  const [placing, setPlacing] = useState(false);
  const failureRef = useRef(null);
  // The attempt whose answer was lost: its key is sent again while the cart,
  // address and card stay the same, so the retry cannot become a second order.
  const attemptRef = useRef(null);
  useDocumentTitle('Checkout');

  // The Pay button is at the bottom of a long page: bring the reason for a
  // failure into view and to screen readers' attention.
  useEffect(() => {
    if (failure) failureRef.current?.focus();
  }, [failure]);

  // Preselect the newest address and card once they are known.
  useEffect(() => {
    if (addresses.data?.length && !addresses.data.some((a) => a.id === addressId)) setAddressId(addresses.data[0].id);
  }, [addresses.data, addressId]);
  useEffect(() => {
    if (cards.data?.length && !cards.data.some((c) => c.id === cardId)) setCardId(cards.data[0].id);
  }, [cards.data, cardId]);

  if (cart.items.length === 0) {
    return (
      <section aria-labelledby="checkout-title">
        <h1 id="checkout-title">Checkout</h1>
        <EmptyState title="Your cart is empty, there is nothing to pay for.">
          <Link to="/">Browse the catalogue</Link>
        </EmptyState>
      </section>
    );
  }

  async function addressSaved(fields) {
    const address = await api.createAddress(fields);
    setAddingAddress(false);
    await addresses.reload();
    setAddressId(address.id);
  }

  async function cardSaved(card) {
    setAddingCard(false);
    await cards.reload();
    setCardId(card.id);
  }

  async function placeOrder(event) {
    event.preventDefault();
    setPlacing(true);
    setFailure(null);
    const body = { items: checkoutLines(cart.items), address_id: addressId, card_id: cardId };
    const fingerprint = JSON.stringify(body);
    if (attemptRef.current?.fingerprint !== fingerprint) attemptRef.current = { fingerprint, key: newIdempotencyKey() };
    try {
      const order = await api.checkout(body, attemptRef.current.key);
      attemptRef.current = null;
      cart.clear();
      navigate(`/orders/${order.id}`, { state: { placed: true } });
    } catch (error) {
      if (!isRetryable(error)) attemptRef.current = null;
      setFailure(checkoutFailure(error, cart.items));
      setPlacing(false);
    }
  }

  const ready = addressId && cardId && !addingAddress && !addingCard;
  return (
    <section aria-labelledby="checkout-title" className="checkout">
      <h1 id="checkout-title">Checkout</h1>
      {failure && (
        <div ref={failureRef} tabIndex={-1}>
          <ErrorMessage error={failure.message} title={failure.title} />
        </div>
      )}

      <section aria-labelledby="summary-title" className="card">
        <h2 id="summary-title">Order summary</h2>
        <ul className="summary-lines">
          {cart.items.map((item) => (
            <li key={item.id}>
              <span>
                {item.quantity} × {item.name}
              </span>
              <span>{formatMoney(lineTotal(item))}</span>
            </li>
          ))}
        </ul>
        <p className="summary-total">
          Total <strong>{formatMoney(cart.subtotal)}</strong>
        </p>
      </section>

      <section aria-labelledby="address-title" className="card">
        <h2 id="address-title">Shipping address</h2>
        {addresses.loading && <Loading label="Loading addresses" />}
        <ErrorMessage error={addresses.error} onRetry={addresses.reload} />
        {addresses.data?.length > 0 && (
          <ChoiceList legend="Ship to" name="address" items={addresses.data} selected={addressId} onSelect={setAddressId} describe={(a) => `${a.name}, ${formatAddress(a)}`} />
        )}
        {addingAddress ? (
          <AddressForm submitLabel="Use this address" onSubmit={addressSaved} onCancel={() => setAddingAddress(false)} />
        ) : (
          <button type="button" className="button button-secondary" onClick={() => setAddingAddress(true)}>
            Add a new address
          </button>
        )}
      </section>

      <section aria-labelledby="card-title" className="card">
        <h2 id="card-title">Payment</h2>
        {cards.loading && <Loading label="Loading cards" />}
        <ErrorMessage error={cards.error} onRetry={cards.reload} />
        {cards.data?.length > 0 && (
          <ChoiceList legend="Pay with" name="card" items={cards.data} selected={cardId} onSelect={setCardId} describe={cardLabel} />
        )}
        {addingCard ? (
          <CardForm onSaved={cardSaved} onCancel={() => setAddingCard(false)} />
        ) : (
          <button type="button" className="button button-secondary" onClick={() => setAddingCard(true)}>
            Add a card
          </button>
        )}
      </section>

      <form onSubmit={placeOrder} className="place-order">
        <button type="submit" className="button button-large" disabled={!ready || placing}>
          {placing ? 'Processing payment…' : `Pay ${formatMoney(cart.subtotal)}`}
        </button>
        {!ready && !placing && <p className="muted">Choose a shipping address and a card to pay.</p>}
      </form>
    </section>
  );
}
