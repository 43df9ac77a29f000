import { useEffect, useState, type ReactNode } from 'react';
import { NavLink, useLocation, useNavigate } from 'react-router';
import { useI18n } from '../lib/i18n.tsx';
import { pagesFor } from '../lib/page-access.ts';
import { useSession } from '../lib/session.tsx';
import { SavedViewsMenu, SharedViewNote } from './saved-views-menu.tsx';

export function AppShell({ children }: { children: ReactNode }) {
  const { t, toggle } = useI18n();
  const { me, logout } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  // On a phone the nav is a drop-down behind the menu button (CSS shows the button below 760 px only).
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => { setMenuOpen(false); }, [location.pathname, location.search]);
  return (
    <div className={menuOpen ? 'shell menu-open' : 'shell'}>
      <header className="topbar">
        <button type="button" className="menu-button" aria-controls="main-nav" aria-expanded={menuOpen}
          aria-label={t('nav.menu')} data-testid="menu-button" onClick={() => setMenuOpen((o) => !o)}>
          <span aria-hidden="true">☰</span>
        </button>
        <span className="brand">{t('app.title')}</span>
        <nav className="nav" id="main-nav" aria-label="main" data-testid="main-nav">
          {(me ? pagesFor(me.role) : []).map((item) => (
            <NavLink key={item.to} to={item.to} end={item.to === '/'}>{t(item.key)}</NavLink>
          ))}
        </nav>
        <div className="topbar-right">
          {me && <SavedViewsMenu />}
          <button type="button" className="link" onClick={toggle}>{t('lang.switch')}</button>
          {me && <span className="who" data-testid="who">{me.displayName}</span>}
          <button type="button" className="link" onClick={() => { void logout().then(() => navigate('/login')); }}>
            {t('user.logout')}
          </button>
        </div>
      </header>
      <main className="content"><SharedViewNote />{children}</main>
    </div>
  );
}
