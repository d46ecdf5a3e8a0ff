import { useEffect, useRef, useState } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useAuth } from '../auth/AuthContext.jsx';
import { useCart } from '../cart/CartContext.jsx';

export function Layout() {
  const auth = useAuth();
  const cart = useCart();
  const navigate = useNavigate();
  const location = useLocation();
  const mainRef = useRef(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const firstRender = useRef(true);

  // After client-side navigation, move focus to the new page so screen
  // readers announce it (a full page load would have done that).
  useEffect(() => {
    setMenuOpen(false);
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const heading = mainRef.current?.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    } else {
      mainRef.current?.focus();
    }
  }, [location.pathname]);

  async function logout() {
    await auth.logout();
    navigate('/');
  }

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="header-inner">
          <Link to="/" className="brand">
            ecomops shop
          </Link>
          <button
            type="button"
            className="menu-toggle"
            aria-expanded={menuOpen}
            aria-controls="site-nav"
            onClick={() => setMenuOpen(!menuOpen)}
          >
            Menu
          </button>
          <nav id="site-nav" aria-label="Main" className={menuOpen ? 'open' : undefined}>
            <ul>
              <li>
                <NavLink to="/" end>
                  Catalogue
                </NavLink>
              </li>
              <li>
                <NavLink to="/cart">
                  Cart <span className="cart-count">({cart.count})</span>
                  <span className="visually-hidden"> items</span>
                </NavLink>
              </li>
              {auth.status === 'authenticated' ? (
                <>
                  <li>
                    <NavLink to="/orders">My orders</NavLink>
                  </li>
                  <li>
                    <NavLink to="/account">Account</NavLink>
                  </li>
                  {auth.isAdmin && (
                    <>
                      <li>
                        <NavLink to="/manage/orders">All orders</NavLink>
                      </li>
                      <li>
                        <NavLink to="/manage/products/new">New product</NavLink>
                      </li>
                    </>
                  )}
                  <li>
                    <button type="button" className="button-link nav-button" onClick={logout}>
                      Log out
                    </button>
                  </li>
                </>
              ) : (
                <>
                  <li>
                    <NavLink to="/login">Log in</NavLink>
                  </li>
                  <li>
                    <NavLink to="/register">Register</NavLink>
                  </li>
                </>
              )}
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>ecomops shop · demo storefront</p>
      </footer>
    </>
  );
}
