import { useEffect, useState } from 'react';

// Lets the shopper clear the box and type a new number: only whole numbers
// are committed, and the box snaps back to the cart's value on blur.
export function QuantityInput({ value, max, onCommit, label }) {
  const [draft, setDraft] = useState(String(value));
  useEffect(() => setDraft(String(value)), [value]);

  return (
    <input
      type="number"
      min="1"
      max={max}
      inputMode="numeric"
      value={draft}
      aria-label={label}
      onChange={(event) => {
        setDraft(event.target.value);
        if (/^\d+$/.test(event.target.value) && Number(event.target.value) > 0) onCommit(event.target.value);
      }}
      onBlur={() => setDraft(String(value))}
    />
  );
}
