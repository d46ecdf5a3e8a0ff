import { useState } from 'react';
import { useApi } from '../api/ApiContext.jsx';
import { asPage } from '../api/client.js';
import { cardLabel } from '../components/cardLabel.js';
import { CardForm } from '../components/CardForm.jsx';
import { EmptyState, ErrorMessage, Loading, Notice } from '../components/Status.jsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.js';
import { useResource } from '../hooks/useResource.js';

export function CardsPage() {
  const api = useApi();
  const cards = useResource(async () => asPage(await api.cards()).results, [api]);
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState(null);
  const [error, setError] = useState(null);
  useDocumentTitle('Saved cards');

  async function saved() {
    setAdding(false);
    setNotice('Card saved.');
    await cards.reload();
  }

  async function remove(card) {
    if (!window.confirm(`Remove ${cardLabel(card)}?`)) return;
    setError(null);
    try {
      await api.deleteCard(card.id);
      setNotice('Card removed.');
      await cards.reload();
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <section aria-labelledby="cards-title">
      <div className="page-head">
        <h1 id="cards-title">Saved cards</h1>
        {!adding && (
          <button type="button" className="button" onClick={() => setAdding(true)}>
            Add card
          </button>
        )}
      </div>
      <p className="muted">We keep only the brand, last four digits and expiry date; the card number stays with the payment provider.</p>
      <Notice>{notice}</Notice>
      <ErrorMessage error={error} title="The card was not removed" />
      {adding && <CardForm onSaved={saved} onCancel={() => setAdding(false)} />}
      {cards.loading && <Loading label="Loading cards" />}
      <ErrorMessage error={cards.error} onRetry={cards.reload} title="Cards could not be loaded" />
      {cards.data?.length === 0 && !adding && <EmptyState title="You have no saved cards." />}
      {cards.data?.length > 0 && (
        <ul className="list">
          {cards.data.map((card) => (
            <li key={card.id} className="card list-item">
              <span>{cardLabel(card)}</span>
              <button type="button" className="button button-danger" onClick={() => remove(card)} aria-label={`Remove ${cardLabel(card)}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
