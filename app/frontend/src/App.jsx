import { Link, Route, Routes } from 'react-router';
import { RequireAuth } from './auth/RequireAuth.jsx';
import { Layout } from './components/Layout.jsx';
import { AccountPage } from './pages/AccountPage.jsx';
import { AddressesPage } from './pages/AddressesPage.jsx';
import { CardsPage } from './pages/CardsPage.jsx';
import { CartPage } from './pages/CartPage.jsx';
import { CataloguePage } from './pages/CataloguePage.jsx';
import { CheckoutPage } from './pages/CheckoutPage.jsx';
import { LoginPage } from './pages/LoginPage.jsx';
import { ManageOrdersPage } from './pages/manage/ManageOrdersPage.jsx';
import { ProductFormPage } from './pages/manage/ProductFormPage.jsx';
import { OrderPage } from './pages/OrderPage.jsx';
import { OrdersPage } from './pages/OrdersPage.jsx';
import { ProductPage } from './pages/ProductPage.jsx';
import { RegisterPage } from './pages/RegisterPage.jsx';

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is nothing here. <Link to="/">Back to the catalogue</Link>
      </p>
    </section>
  );
}

const signedIn = (page) => <RequireAuth>{page}</RequireAuth>;
const staff = (page) => <RequireAuth admin>{page}</RequireAuth>;

// Staff pages live under /manage/: /admin/ belongs to Django's admin, which
// nginx proxies to the backend.
export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<CataloguePage />} />
        <Route path="products/:id" element={<ProductPage />} />
        <Route path="login" element={<LoginPage />} />
        <Route path="register" element={<RegisterPage />} />
        <Route path="cart" element={<CartPage />} />
        <Route path="checkout" element={signedIn(<CheckoutPage />)} />
        <Route path="account" element={signedIn(<AccountPage />)} />
        <Route path="account/addresses" element={signedIn(<AddressesPage />)} />
        <Route path="account/cards" element={signedIn(<CardsPage />)} />
        <Route path="orders" element={signedIn(<OrdersPage />)} />
        <Route path="orders/:id" element={signedIn(<OrderPage />)} />
        <Route path="manage/orders" element={staff(<ManageOrdersPage />)} />
        <Route path="manage/products/new" element={staff(<ProductFormPage />)} />
        <Route path="manage/products/:id/edit" element={staff(<ProductFormPage />)} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
