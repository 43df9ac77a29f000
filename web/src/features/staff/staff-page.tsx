import { MetricHelp } from '../../components/metric-help.tsx';
import { useEffect, useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Breadcrumbs, type Crumb } from '../../components/breadcrumbs.tsx';
import { EChart } from '../../components/echart.tsx';
import { FilterBar } from '../../components/filter-bar.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { linkWith, parseFilters, resolveDateRange } from '../../lib/filters.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { useCubeQuery } from '../../lib/use-cube-query.ts';
import { showsTeamBoard, staffLanding } from './landing.ts';
import { EmployeeDetail } from './employee-detail/employee-detail.tsx';
import { StaffCompletionPanel } from './completion/completion-panel.tsx';
import { StaffTable } from './team-employees/staff-table.tsx';
import type { Query } from '../../lib/cube.ts';
import { STAFF_FILTERS, staffQueries } from './page-queries.ts';
import { toStaffRows, transformLeaderboard } from './team-leaderboard/transform.ts';

function useStaffRows(by: 'team' | 'employee', salesQuery: Query | null, activityQuery: Query | null, ownedQuery: Query | null, convertedQuery: Query | null) {
  const sales = useCubeQuery(salesQuery);
  const activity = useCubeQuery(activityQuery);
  const owned = useCubeQuery(ownedQuery);
  const converted = useCubeQuery(convertedQuery);
  const rows = useMemo(() => toStaffRows(by, sales.rows, activity.rows, owned.rows, converted.rows), [by, sales.rows, activity.rows, owned.rows, converted.rows]);
  return {
    rows,
    isLoading: sales.isLoading || activity.isLoading || owned.isLoading || converted.isLoading,
    error: sales.error ?? activity.error ?? owned.error ?? converted.error,
    refetch: () => { sales.refetch(); activity.refetch(); owned.refetch(); converted.refetch(); },
  };
}

/** Team leaderboard → a team's employees → one employee beside the team → that employee's customers. */
export function StaffPage() {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const landing = staffLanding(me!, params);
  useEffect(() => { if (landing) setParams(landing, { replace: true }); }, [landing?.toString()]);
  const board = showsTeamBoard(me!);
  const filters = parseFilters(params);
  const range = resolveDateRange(filters, me!.asOf);
  const team = filters.team;
  const employeeParam = Number(params.get('employee'));
  const employeeId = Number.isInteger(employeeParam) && employeeParam > 0 ? employeeParam : null;

  const queries = staffQueries(range, team, employeeId, board && !landing, me!.asOf);
  const teams = useStaffRows('team', queries.sales_by_team, queries.activity_by_team, queries.owned_by_team, queries.converted_by_team);
  const employees = useStaffRows('employee', queries.sales_by_employee, queries.activity_by_employee, queries.owned_by_employee, queries.converted_by_employee);
  const option = useMemo(() => transformLeaderboard(teams.rows, lang, t('kpi.gmv')), [teams.rows, lang, t]);
  const here = (extra: Record<string, string | number | null>) => linkWith('/staff', params, extra);
  const employeeName = employees.rows.find((r) => r.employeeId === employeeId)?.key;

  // A manager's root is the own team (the leaderboard is one bar).
  const crumbs: Crumb[] = board ? [{ label: t('staff.title'), to: here({ team: null, employee: null }) }] : [];
  if (team) crumbs.push({ label: team, to: here({ employee: null }) });
  if (employeeId) crumbs.push({ label: employeeName ?? `#${employeeId}` });

  return (
    <div className="page">
      <div className="page-head"><h1>{t('staff.title')}</h1></div>
      <Breadcrumbs crumbs={crumbs} />
      <FilterBar show={STAFF_FILTERS} />
      {employeeId ? (
        <>
          <EmployeeDetail employeeId={employeeId} range={range} asOf={me!.asOf} queries={queries} known={{ name: employeeName, team }} />
          <StaffCompletionPanel asOf={me!.asOf} employeeId={employeeId} />
        </>
      ) : (
        <>
          {/* Chart above table: beside each other the table's nine columns would scroll at 1366–1440 px. */}
          {board && <div className="staff-board">
            <section className="panel" data-testid="chart-team-leaderboard">
              <h2>{t('chart.teamLeaderboard')}<MetricHelp id={['gmv', 'team']} /></h2>
              <QueryState isLoading={teams.isLoading} error={teams.error} isEmpty={teams.rows.length === 0} onRetry={teams.refetch} minHeight={320}>
                <EChart option={option} onItemClick={(item) => navigate(here({ team: item.name, employee: null }))} />
              </QueryState>
            </section>
            <StaffTable by="team" title={t('staff.teams')} testId="table-teams" {...teams} onRetry={teams.refetch}
              stepTo={(r) => here({ team: r.key, employee: null })} ownedTo={() => null} />
          </div>}
          {team && (
            <StaffTable by="employee" title={t('staff.employees', { team })} testId="table-staff" {...employees} onRetry={employees.refetch}
              stepTo={(r) => here({ employee: r.employeeId })}
              ownedTo={(r) => (r.employeeId ? linkWith('/customers', params, { metric: 'owned_customers', owner: r.employeeId, owner_name: r.key, via: 'staff' }) : null)} />
          )}
          <StaffCompletionPanel asOf={me!.asOf} team={team} />
        </>
      )}
    </div>
  );
}
