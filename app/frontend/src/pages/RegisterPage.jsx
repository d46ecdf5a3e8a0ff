import { useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useAuth } from '../auth/AuthContext.jsx';
import { Field } from '../components/Field.jsx';
import { ErrorMessage } from '../components/Status.jsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.js';

const MIN_PASSWORD = 8;

export function RegisterPage() {
  const auth = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [values, setValues] = useState({ first_name: '', last_name: '', email: '', password: '', confirm: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useDocumentTitle('Create an account');

  const set = (name) => (event) => setValues({ ...values, [name]: event.target.value });
  const mismatch = values.confirm && values.confirm !== values.password ? 'The passwords do not match.' : null;

  async function submit(event) {
    event.preventDefault();
    if (values.password.length < MIN_PASSWORD) {
      setError({ message: `Use at least ${MIN_PASSWORD} characters for the password.`, fields: {} });
      return;
    }
    if (mismatch) return;
    setBusy(true);
    setError(null);
    try {
      const { confirm, ...fields } = values;
      await auth.register({ ...fields, email: fields.email.trim() });
      navigate(location.state?.from ?? '/', { replace: true });
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }

  return (
    <section className="narrow" aria-labelledby="register-title">
      <h1 id="register-title">Create an account</h1>
      <form className="form" onSubmit={submit}>
        <ErrorMessage error={error} title="The account was not created" />
        <div className="form-grid">
          <Field label="First name" name="first_name" autoComplete="given-name" value={values.first_name} onChange={set('first_name')} />
          <Field label="Last name" name="last_name" autoComplete="family-name" value={values.last_name} onChange={set('last_name')} />
        </div>
        <Field
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          required
          value={values.email}
          error={error?.fields?.email}
          onChange={set('email')}
        />
        <Field
          label="Password"
          type="password"
          name="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD}
          hint={`At least ${MIN_PASSWORD} characters.`}
          value={values.password}
          error={error?.fields?.password}
          onChange={set('password')}
        />
        <Field
          label="Confirm password"
          type="password"
          name="confirm"
          autoComplete="new-password"
          required
          value={values.confirm}
          error={mismatch}
          onChange={set('confirm')}
        />
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to="/login">Log in</Link>
      </p>
    </section>
  );
}
