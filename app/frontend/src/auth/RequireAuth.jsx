import { Navigate, useLocation } from 'react-router';
import { Loading } from '../components/Status.jsx';
import { useAuth } from './AuthContext.jsx';

export function RequireAuth({ admin = false, children }) {
  const auth = useAuth();
  const location = useLocation();
  if (auth.status === 'restoring') return <Loading label="Checking your session" />;
  if (auth.status !== 'authenticated') {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  if (admin && !auth.isAdmin) {
    return (
      <section aria-labelledby="forbidden-title">
        <h1 id="forbidden-title">Staff only</h1>
        <p>This page is for shop staff. You are logged in as {auth.user.email}.</p>
      </section>
    );
  }
  return children;
}
