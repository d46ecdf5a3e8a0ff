import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { useApi } from '../api/ApiContext.jsx';

const AuthContext = createContext(null);

export function isAdmin(user) {
  return Boolean(user && (user.is_staff || user.is_superuser || user.is_admin));
}

export function AuthProvider({ children }) {
  const api = useApi();
  // "restoring" while a refresh token from this tab is exchanged on start-up,
  // so protected pages wait instead of bouncing to the login page.
  const [state, setState] = useState(() => ({
    status: api.hasSession() ? 'restoring' : 'anonymous',
    user: null,
  }));

  const loadUser = useCallback(async () => {
    const user = await api.account();
    setState({ status: 'authenticated', user });
    return user;
  }, [api]);

  useEffect(() => {
    const unsubscribe = api.onSessionLost(() => setState({ status: 'anonymous', user: null }));
    if (api.hasSession()) {
      loadUser().catch(() => setState({ status: 'anonymous', user: null }));
    }
    return unsubscribe;
  }, [api, loadUser]);

  const value = useMemo(
    () => ({
      ...state,
      isAdmin: isAdmin(state.user),
      async login(email, password) {
        await api.login(email, password);
        return loadUser();
      },
      async register(fields) {
        await api.register(fields);
        await api.login(fields.email, fields.password);
        return loadUser();
      },
      async logout() {
        try {
          await api.logout();
        } finally {
          setState({ status: 'anonymous', user: null });
        }
      },
      async deleteAccount(password) {
        await api.deleteAccount(password);
        setState({ status: 'anonymous', user: null });
      },
      setUser: (user) => setState({ status: 'authenticated', user }),
    }),
    [api, loadUser, state],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth() {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}
