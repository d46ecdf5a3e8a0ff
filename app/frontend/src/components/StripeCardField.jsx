import { useEffect, useRef, useState } from 'react';
import { Loading } from './Status.jsx';

// Card details are typed into Stripe's own iframe and exchanged for a
// PaymentMethod id there: card numbers never reach our servers.
export default function StripeCardField({ publishableKey, saving, onPaymentMethod, onError }) {
  const mountRef = useRef(null);
  const stripeRef = useRef(null);
  const cardRef = useRef(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const { loadStripe } = await import('@stripe/stripe-js');
        const stripe = await loadStripe(publishableKey);
        if (cancelled || !stripe) return;
        const card = stripe.elements().create('card', { hidePostalCode: false });
        card.mount(mountRef.current);
        card.on('ready', () => setReady(true));
        stripeRef.current = stripe;
        cardRef.current = card;
      } catch {
        onError?.(new Error('The secure card form could not be loaded. Check your connection and reload.'));
      }
    })();
    return () => {
      cancelled = true;
      cardRef.current?.destroy();
    };
  }, [publishableKey, onError]);

  async function submit(event) {
    event.preventDefault();
    const { paymentMethod, error } = await stripeRef.current.createPaymentMethod({
      type: 'card',
      card: cardRef.current,
    });
    if (error) onError?.(new Error(error.message));
    else onPaymentMethod(paymentMethod.id);
  }

  return (
    <form className="form" onSubmit={submit} aria-label="Add a card">
      <label htmlFor="stripe-card">Card details</label>
      <div id="stripe-card" className="stripe-card" ref={mountRef} />
      {!ready && <Loading label="Loading secure card form" />}
      <div className="actions">
        <button type="submit" className="button" disabled={!ready || saving}>
          {saving ? 'Saving…' : 'Save card'}
        </button>
      </div>
    </form>
  );
}
