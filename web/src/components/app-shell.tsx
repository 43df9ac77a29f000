import type { ReactNode } from 'react';
import { NavLink, useNavigate } from 'react-router';
import { useI18n } from '../lib/i18n.tsx';
import { pagesFor } from '../lib/page-access.ts';
import { useSession } from '../lib/session.tsx';

export function AppShell({ children }: { children: ReactNode }) {
  const { t, toggle } = useI18n();
  const { me, logout } = useSession();
  const navigate = useNavigate();
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">{t('app.title')}</span>
        <nav className="nav" aria-label="main">
          {(me ? pagesFor(me.role) : []).map((item) => (
            <NavLink key={item.to} to={item.to} end={item.to === '/'}>{t(item.key)}</NavLink>
          ))}
        </nav>
        <div className="topbar-right">
          <button type="button" className="link" onClick={toggle}>{t('lang.switch')}</button>
          {me && <span className="who" data-testid="who">{me.displayName}</span>}
          <button type="button" className="link" onClick={() => { void logout().then(() => navigate('/login')); }}>
            {t('user.logout')}
          </button>
        </div>
      </header>
      <main className="content">{children}</main>
    </div>
  );
}
