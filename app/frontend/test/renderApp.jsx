import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { ApiProvider } from '../src/api/ApiContext.jsx';
import { createApiClient } from '../src/api/client.js';
import { AppRoutes } from '../src/App.jsx';
import { AuthProvider } from '../src/auth/AuthContext.jsx';
import { CartProvider } from '../src/cart/CartContext.jsx';
import { memoryStorage } from './httpServer.js';

/**
 * Renders the whole app at `path` against a test server. `session` starts
 * logged in (a refresh token in the tab's storage, as after a reload).
 */
export function renderApp(path, { server, cart = [], session = false } = {}) {
  const sessionStorage = memoryStorage();
  if (session) sessionStorage.setItem('ecomops.refresh', 'refresh-token');
  const cartStorage = memoryStorage();
  cartStorage.setItem('ecomops.cart', JSON.stringify(cart));
  const api = createApiClient({ baseUrl: server.url, storage: sessionStorage });
  const view = render(
    <ApiProvider client={api}>
      <AuthProvider>
        <CartProvider storage={cartStorage}>
          <MemoryRouter initialEntries={[path]}>
            <AppRoutes />
          </MemoryRouter>
        </CartProvider>
      </AuthProvider>
    </ApiProvider>,
  );
  return { ...view, api, cartStorage, sessionStorage };
}

export const savedCart = (storage) => JSON.parse(storage.getItem('ecomops.cart'));
