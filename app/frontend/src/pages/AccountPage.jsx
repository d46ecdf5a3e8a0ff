import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useApi } from '../api/ApiContext.jsx';
import { useAuth } from '../auth/AuthContext.jsx';
import { Field } from '../components/Field.jsx';
import { ErrorMessage, Notice } from '../components/Status.jsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.js';

function ProfileForm() {
  const api = useApi();
  const auth = useAuth();
  const [values, setValues] = useState({
    first_name: auth.user.first_name ?? '',
    last_name: auth.user.last_name ?? '',
    email: auth.user.email ?? '',
  });
  const [currentPassword, setCurrentPassword] = useState('');
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (name) => (event) => setValues({ ...values, [name]: event.target.value });
  // The backend asks for the current password before it changes the e-mail address.
  const changesEmail = values.email.trim().toLowerCase() !== (auth.user.email ?? '').toLowerCase();

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      auth.setUser(await api.updateAccount(changesEmail ? { ...values, current_password: currentPassword } : values));
      setCurrentPassword('');
      setSaved(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <ErrorMessage error={error} title="Your profile was not saved" />
      <Notice>{saved && 'Your profile was saved.'}</Notice>
      <div className="form-grid">
        <Field label="First name" autoComplete="given-name" value={values.first_name} error={error?.fields?.first_name} onChange={set('first_name')} />
        <Field label="Last name" autoComplete="family-name" value={values.last_name} error={error?.fields?.last_name} onChange={set('last_name')} />
      </div>
      <Field label="Email" type="email" autoComplete="email" required value={values.email} error={error?.fields?.email} onChange={set('email')} />
      {changesEmail && (
        <Field label="Current password" type="password" autoComplete="current-password" required hint="Needed to change your e-mail address."
          value={currentPassword} error={error?.fields?.current_password} onChange={(event) => setCurrentPassword(event.target.value)} />
      )}
      <button type="submit" className="button" disabled={busy}>
        {busy ? 'Saving…' : 'Save profile'}
      </button>
    </form>
  );
}

function DeleteAccountForm() {
  const auth = useAuth();
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await auth.deleteAccount(password);
      navigate('/', { replace: true });
    } catch (caught) {
      setError(caught.status === 400 || caught.status === 403 ? 'The password is wrong; your account was kept.' : caught);
      setBusy(false);
    }
  }

  return (
    <form className="form danger-zone" onSubmit={submit} aria-labelledby="delete-title">
      <h2 id="delete-title">Delete account</h2>
      <p>This removes your account, addresses and saved cards. Enter your password to confirm.</p>
      <ErrorMessage error={error} title="Your account was not deleted" />
      <Field label="Password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      <button type="submit" className="button button-danger" disabled={busy || !password}>
        {busy ? 'Deleting…' : 'Delete my account'}
      </button>
    </form>
  );
}

export function AccountPage() {
  const auth = useAuth();
  useDocumentTitle('Your account');
  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title">Your account</h1>
      <p className="muted">
        Logged in as <strong>{auth.user.email}</strong>
        {auth.isAdmin && ' (staff)'}
      </p>
      <nav aria-label="Account" className="subnav">
        <Link to="/account/addresses">Addresses</Link>
        <Link to="/account/cards">Saved cards</Link>
        <Link to="/orders">My orders</Link>
      </nav>
      <ProfileForm />
      <DeleteAccountForm />
    </section>
  );
}
