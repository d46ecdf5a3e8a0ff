import { lazy, Suspense, useState } from 'react';
import { useApi } from '../api/ApiContext.jsx';
import { useResource } from '../hooks/useResource.js';
import { Field } from './Field.jsx';
import { ErrorMessage, Loading } from './Status.jsx';

// Stripe's code is only fetched when the backend runs the Stripe gateway.
const StripeCardField = lazy(() => import('./StripeCardField.jsx'));

// Stripe's public test payment methods, which the sandbox gateway honours.
export const SANDBOX_CARDS = [
  ['pm_card_visa', 'Visa ending 4242 (succeeds)'],
  ['pm_card_mastercard', 'Mastercard ending 4444 (succeeds)'],
  ['pm_card_chargeDeclined', 'Visa ending 0002 (declined)'],
  ['pm_card_chargeDeclinedInsufficientFunds', 'Visa ending 9995 (insufficient funds)'],
];

export function CardForm({ onSaved, onCancel }) {
  const api = useApi();
  const config = useResource(() => api.config(), [api]);
  const [choice, setChoice] = useState(SANDBOX_CARDS[0][0]);
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);

  async function save(paymentMethod) {
    setSaving(true);
    setError(null);
    try {
      const card = await api.addCard(paymentMethod);
      await onSaved?.(card);
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  }

  if (config.loading) return <Loading label="Loading payment options" />;
  if (config.error) return <ErrorMessage error={config.error} onRetry={config.reload} />;

  const cancel = onCancel && (
    <button type="button" className="button button-secondary" onClick={onCancel}>
      Cancel
    </button>
  );

  if (config.data?.payment_gateway === 'stripe') {
    return (
      <div className="form">
        <ErrorMessage error={error} title="The card was not saved" />
        <Suspense fallback={<Loading label="Loading secure card form" />}>
          <StripeCardField
            publishableKey={config.data.stripe_publishable_key}
            saving={saving}
            onPaymentMethod={save}
            onError={setError}
          />
        </Suspense>
        {cancel}
      </div>
    );
  }

  return (
    <form
      className="form"
      aria-label="Add a test card"
      onSubmit={(event) => {
        event.preventDefault();
        save(choice);
      }}
    >
      <ErrorMessage error={error} title="The card was not saved" />
      <p className="hint">This shop runs with the sandbox payment gateway: pick one of the test cards.</p>
      <Field as="select" label="Test card" value={choice} onChange={(event) => setChoice(event.target.value)}>
        {SANDBOX_CARDS.map(([id, label]) => (
          <option key={id} value={id}>
            {label}
          </option>
        ))}
      </Field>
      <div className="actions">
        <button type="submit" className="button" disabled={saving}>
          {saving ? 'Saving…' : 'Save card'}
        </button>
        {cancel}
      </div>
    </form>
  );
}
