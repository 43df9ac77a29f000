import { lazy, Suspense, type ReactNode } from 'react';
import { CubeProvider } from '@cubejs-client/react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { AppShell } from './components/app-shell.tsx';
import { Skeleton } from './components/query-state.tsx';
import { LoginPage } from './features/login/login-page.tsx';
import { cubeApi } from './lib/cube.ts';
import { NoAccessPage } from './features/no-access/no-access-page.tsx';
import { I18nProvider, useI18n } from './lib/i18n.tsx';
import { mayOpen, pageAt } from './lib/page-access.ts';
import { SessionProvider, useSession } from './lib/session.tsx';

// One chunk per page: the first page a person opens loads only its own code.
const OverviewPage = lazy(() => import('./features/overview/overview-page.tsx').then((m) => ({ default: m.OverviewPage })));
const ChannelsPage = lazy(() => import('./features/channels/channels-page.tsx').then((m) => ({ default: m.ChannelsPage })));
const StaffPage = lazy(() => import('./features/staff/staff-page.tsx').then((m) => ({ default: m.StaffPage })));
const SegmentsPage = lazy(() => import('./features/segments/segments-page.tsx').then((m) => ({ default: m.SegmentsPage })));
const ActivitiesPage = lazy(() => import('./features/activities/activities-page.tsx').then((m) => ({ default: m.ActivitiesPage })));
const CustomersPage = lazy(() => import('./features/customers/customers-page.tsx').then((m) => ({ default: m.CustomersPage })));
const Customer360Page = lazy(() => import('./features/customer-360/customer-360-page.tsx').then((m) => ({ default: m.Customer360Page })));
const PlannerPage = lazy(() => import('./features/planner/planner-page.tsx').then((m) => ({ default: m.PlannerPage })));
const ActionsPage = lazy(() => import('./features/actions/actions-page.tsx').then((m) => ({ default: m.ActionsPage })));
const BigScreenPage = lazy(() => import('./features/big-screen/big-screen-page.tsx'));
const TargetsPage = lazy(() => import('./features/targets/targets-page.tsx').then((m) => ({ default: m.TargetsPage })));
const GlossaryPage = lazy(() => import('./features/glossary/glossary-page.tsx').then((m) => ({ default: m.GlossaryPage })));
const AdminImportPage = lazy(() => import('./features/admin-import/admin-import-page.tsx').then((m) => ({ default: m.AdminImportPage })));
const SavedViewsPage = lazy(() => import('./features/saved-views/saved-views-page.tsx').then((m) => ({ default: m.SavedViewsPage })));
const SharedViewPage = lazy(() => import('./features/saved-views/saved-views-page.tsx').then((m) => ({ default: m.SharedViewPage })));
const NotFoundPage = lazy(() => import('./features/not-found/not-found-page.tsx').then((m) => ({ default: m.NotFoundPage })));

function RequireLogin({ children }: { children: ReactNode }) {
  const { me, checking } = useSession();
  const { t } = useI18n();
  const location = useLocation();
  if (checking) return <div className="state state-loading" role="status">{t('state.loading')}</div>;
  if (!me) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  // A page the role may not use says so plainly instead of showing its refused queries as failures.
  if (!mayOpen(me.role, location.pathname)) {
    const entry = pageAt(location.pathname)!;
    return <AppShell><NoAccessPage page={entry.key} /></AppShell>;
  }
  return <AppShell><Suspense fallback={<Skeleton kind="chart" minHeight={320} />}>{children}</Suspense></AppShell>;
}

const page = (element: ReactNode) => <RequireLogin>{element}</RequireLogin>;

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <CubeProvider cubeApi={cubeApi}>
          <BrowserRouter>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route path="/" element={page(<OverviewPage />)} />
              <Route path="/big-screen" element={page(<BigScreenPage />)} />
              <Route path="/channels" element={page(<ChannelsPage />)} />
              <Route path="/staff" element={page(<StaffPage />)} />
              <Route path="/segments" element={page(<SegmentsPage />)} />
              <Route path="/activities" element={page(<ActivitiesPage />)} />
              <Route path="/customers" element={page(<CustomersPage />)} />
              <Route path="/customers/:id" element={page(<Customer360Page />)} />
              <Route path="/planner" element={page(<PlannerPage />)} />
              <Route path="/actions" element={page(<ActionsPage />)} />
              <Route path="/targets" element={page(<TargetsPage />)} />
              <Route path="/glossary" element={page(<GlossaryPage />)} />
              <Route path="/admin/import" element={page(<AdminImportPage />)} />
              <Route path="/views" element={page(<SavedViewsPage />)} />
              <Route path="/v/:token" element={page(<SharedViewPage />)} />
              <Route path="*" element={page(<NotFoundPage />)} />
            </Routes>
          </BrowserRouter>
        </CubeProvider>
      </SessionProvider>
    </I18nProvider>
  );
}
