import { useState } from 'react';
import { useApi } from '../api/ApiContext.jsx';
import { asPage } from '../api/client.js';
import { AddressForm, formatAddress } from '../components/AddressForm.jsx';
import { EmptyState, ErrorMessage, Loading, Notice } from '../components/Status.jsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.js';
import { useResource } from '../hooks/useResource.js';

export function AddressesPage() {
  const api = useApi();
  const addresses = useResource(async () => asPage(await api.addresses()).results, [api]);
  const [editing, setEditing] = useState(null);
  const [notice, setNotice] = useState(null);
  const [error, setError] = useState(null);
  useDocumentTitle('Addresses');

  async function save(fields) {
    if (editing === 'new') await api.createAddress(fields);
    else await api.updateAddress(editing.id, fields);
    setNotice(editing === 'new' ? 'Address added.' : 'Address updated.');
    setEditing(null);
    await addresses.reload();
  }

  async function remove(address) {
    if (!window.confirm(`Delete the address “${formatAddress(address)}”?`)) return;
    setError(null);
    try {
      await api.deleteAddress(address.id);
      setNotice('Address deleted.');
      await addresses.reload();
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <section aria-labelledby="addresses-title">
      <div className="page-head">
        <h1 id="addresses-title">Addresses</h1>
        {!editing && (
          <button type="button" className="button" onClick={() => setEditing('new')}>
            Add address
          </button>
        )}
      </div>
      <Notice>{notice}</Notice>
      <ErrorMessage error={error} title="The address was not deleted" />
      {editing && (
        <AddressForm
          key={editing === 'new' ? 'new' : editing.id}
          initial={editing === 'new' ? undefined : editing}
          submitLabel={editing === 'new' ? 'Add address' : 'Save address'}
          onSubmit={save}
          onCancel={() => setEditing(null)}
        />
      )}
      {addresses.loading && <Loading label="Loading addresses" />}
      <ErrorMessage error={addresses.error} onRetry={addresses.reload} title="Addresses could not be loaded" />
      {addresses.data?.length === 0 && !editing && (
        <EmptyState title="You have no saved addresses yet.">
          <p>Add one to check out faster.</p>
        </EmptyState>
      )}
      {addresses.data?.length > 0 && (
        <ul className="list">
          {addresses.data.map((address) => (
            <li key={address.id} className="card list-item">
              <div>
                <strong>{address.name}</strong>
                <p>{formatAddress(address)}</p>
                {address.phone_number && <p className="muted">{address.phone_number}</p>}
              </div>
              <div className="actions">
                <button type="button" className="button button-secondary" onClick={() => setEditing(address)} aria-label={`Edit address ${formatAddress(address)}`}>
                  Edit
                </button>
                <button type="button" className="button button-danger" onClick={() => remove(address)} aria-label={`Delete address ${formatAddress(address)}`}>
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
