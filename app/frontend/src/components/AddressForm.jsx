import { useState } from 'react';
import { ErrorMessage } from './Status.jsx';
import { Field } from './Field.jsx';

export const ADDRESS_FIELDS = [
  ['name', 'Full name', { autoComplete: 'name', required: true }],
  ['phone_number', 'Phone number', { autoComplete: 'tel', inputMode: 'tel', required: true }],
  ['line1', 'Street and house number', { autoComplete: 'address-line1', required: true }],
  ['landmark', 'Landmark (optional)', { autoComplete: 'address-line2' }],
  ['city', 'City', { autoComplete: 'address-level2', required: true }],
  ['state', 'State or region', { autoComplete: 'address-level1', required: true }],
  ['postal_code', 'Postal code', { autoComplete: 'postal-code', required: true }],
  ['country', 'Country (optional)', { autoComplete: 'country-name' }],
];

const EMPTY = Object.fromEntries(ADDRESS_FIELDS.map(([name]) => [name, '']));

export function formatAddress(address) {
  return [address.line1, address.landmark, address.city, address.state, address.postal_code, address.country]
    .filter(Boolean)
    .join(', ');
}

export function AddressForm({ initial, onSubmit, onCancel, submitLabel = 'Save address' }) {
  const [values, setValues] = useState(() => ({ ...EMPTY, ...initial }));
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);

  async function submit(event) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await onSubmit(Object.fromEntries(ADDRESS_FIELDS.map(([name]) => [name, values[name].trim()])));
    } catch (caught) {
      setError(caught);
      setSaving(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} aria-label={submitLabel}>
      <ErrorMessage error={error} title="The address was not saved" />
      <div className="form-grid">
        {ADDRESS_FIELDS.map(([name, label, props]) => (
          <Field
            key={name}
            name={name}
            label={label}
            value={values[name] ?? ''}
            error={error?.fields?.[name]}
            onChange={(event) => setValues({ ...values, [name]: event.target.value })}
            {...props}
          />
        ))}
      </div>
      <div className="actions">
        <button type="submit" className="button" disabled={saving}>
          {saving ? 'Saving…' : submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="button button-secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
