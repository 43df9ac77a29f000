import type { ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { AppShell } from './components/app-shell.tsx';
import { LoginPage } from './features/login/login-page.tsx';
import { NotFoundPage } from './features/not-found/not-found-page.tsx';
import { OverviewPage } from './features/overview/overview-page.tsx';
import { I18nProvider, useI18n } from './lib/i18n.tsx';
import { SessionProvider, useSession } from './lib/session.tsx';

function RequireLogin({ children }: { children: ReactNode }) {
  const { me, checking } = useSession();
  const { t } = useI18n();
  const location = useLocation();
  if (checking) return <div className="state state-loading" role="status">{t('state.loading')}</div>;
  if (!me) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <AppShell>{children}</AppShell>;
}

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <BrowserRouter>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/" element={<RequireLogin><OverviewPage /></RequireLogin>} />
            <Route path="*" element={<RequireLogin><NotFoundPage /></RequireLogin>} />
          </Routes>
        </BrowserRouter>
      </SessionProvider>
    </I18nProvider>
  );
}
