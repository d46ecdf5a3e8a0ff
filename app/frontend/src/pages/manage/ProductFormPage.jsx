import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useApi } from '../../api/ApiContext.jsx';
import { Field } from '../../components/Field.jsx';
import { ErrorMessage, Loading } from '../../components/Status.jsx';
import { useDocumentTitle } from '../../hooks/useDocumentTitle.js';
import { useResource } from '../../hooks/useResource.js';

const EMPTY = { name: '', description: '', price: '', stock: '0' };
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export function ProductFormPage() {
  const { id } = useParams();
  const editing = Boolean(id);
  const api = useApi();
  const navigate = useNavigate();
  const existing = useResource(() => (editing ? api.product(id) : Promise.resolve(null)), [api, id, editing]);
  const [values, setValues] = useState(EMPTY);
  const [image, setImage] = useState(null);
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);
  useDocumentTitle(editing ? 'Edit product' : 'New product');

  useEffect(() => {
    if (existing.data) {
      const { name, description, price, stock } = existing.data;
      setValues({ name, description, price: String(price), stock: String(stock) });
    }
  }, [existing.data]);

  const set = (name) => (event) => setValues({ ...values, [name]: event.target.value });

  function pickImage(event) {
    const file = event.target.files?.[0] ?? null;
    if (file && file.size > MAX_IMAGE_BYTES) {
      setError({ message: 'The image is larger than 5 MB; resize it and pick it again.', fields: {} });
      event.target.value = '';
      setImage(null);
      return;
    }
    setError(null);
    setImage(file);
  }

  async function submit(event) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    // Multipart so the image travels with the fields in one request.
    const form = new FormData();
    for (const [key, value] of Object.entries(values)) form.append(key, value.trim());
    if (image) form.append('image', image);
    try {
      const product = editing ? await api.updateProduct(id, form) : await api.createProduct(form);
      navigate(`/products/${product.id}`);
    } catch (caught) {
      setError(caught);
      setSaving(false);
    }
  }

  if (existing.loading) return <Loading label="Loading product" />;
  if (existing.error) return <ErrorMessage error={existing.error} onRetry={existing.reload} title="The product could not be loaded" />;

  return (
    <section className="narrow" aria-labelledby="product-form-title">
      <h1 id="product-form-title">{editing ? `Edit ${existing.data.name}` : 'New product'}</h1>
      <form className="form" onSubmit={submit}>
        <ErrorMessage error={error} title="The product was not saved" />
        <Field label="Name" required maxLength={200} value={values.name} error={error?.fields?.name} onChange={set('name')} />
        <Field as="textarea" label="Description" rows={5} value={values.description} error={error?.fields?.description} onChange={set('description')} />
        <div className="form-grid">
          <Field label="Price (USD)" type="number" required min="0" step="0.01" inputMode="decimal" value={values.price} error={error?.fields?.price} onChange={set('price')} />
          <Field label="Stock" type="number" required min="0" step="1" inputMode="numeric" value={values.stock} error={error?.fields?.stock} onChange={set('stock')} />
        </div>
        <Field
          label="Image"
          type="file"
          accept="image/png,image/jpeg,image/webp"
          hint={editing && existing.data.image ? 'Leave empty to keep the current image.' : 'PNG, JPEG or WebP, up to 5 MB.'}
          error={error?.fields?.image}
          onChange={pickImage}
        />
        <div className="actions">
          <button type="submit" className="button" disabled={saving}>
            {saving ? 'Saving…' : editing ? 'Save changes' : 'Create product'}
          </button>
          <Link to={editing ? `/products/${id}` : '/'}>Cancel</Link>
        </div>
      </form>
    </section>
  );
}
