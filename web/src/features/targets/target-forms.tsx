/**
 * The writes of /targets: setting one target (an employee of the person's
 * scope, or a team for operators and admins) and importing a CSV, with the
 * server's warnings and refusals shown as it words them.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useCubeQuery } from '../../lib/use-cube-query.ts';
import { previousMonth } from './build-query.ts';
import { TARGET_METRIC_IDS } from './metrics.ts';
import { targetApi, TargetApiError, type TeamSumWarning } from './targets-api.ts';

export const metricLabel = (t: (k: MessageKey) => string, metric: string): string =>
  (TARGET_METRIC_IDS as readonly string[]).includes(metric) ? t(`targets.metric.${metric}` as MessageKey) : metric;

/** The team's-sum warnings in the reader's language. */
export function WarningList({ warnings, testId }: { warnings: TeamSumWarning[]; testId: string }) {
  const { t, lang } = useI18n();
  if (warnings.length === 0) return null;
  return (
    <div className="filter-note" data-testid={testId}>
      <strong>{t('targets.warnings')}</strong>
      <ul>
        {warnings.map((w) => (
          <li key={`${w.period}|${w.metric}|${w.team}`}>
            {t(w.kind === 'above' ? 'targets.warn.above' : 'targets.warn.differs', {
              period: w.period, metric: metricLabel(t, w.metric), team: w.team,
              sum: w.employeesSum.toLocaleString(lang), target: w.teamTarget.toLocaleString(lang),
            })}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Messages({ warnings, error, problems, done }: { warnings: TeamSumWarning[]; error: string | null; problems: Array<{ line: number; message: string }>; done: string | null }) {
  const { t } = useI18n();
  return (
    <>
      {done && <p className="muted" role="status" data-testid="target-done">{done}</p>}
      {error && <p className="error" role="alert" data-testid="target-error">{error}</p>}
      {problems.length > 0 && (
        <ul className="error" data-testid="import-problems">
          {problems.map((p) => <li key={`${p.line}:${p.message}`}>{t('targets.line', { line: p.line })}: {p.message}</li>)}
        </ul>
      )}
      <WarningList warnings={warnings} testId="target-warnings" />
    </>
  );
}

/** A refusal or a bad value in the product's words; the server's own sentence names what is wrong. */
export function targetErrorText(t: (k: MessageKey, p?: Record<string, string | number>) => string, e: unknown): string {
  if (!(e instanceof TargetApiError)) return String(e);
  if (e.status === 0) return t('targets.network');
  if (e.status === 403) return t('targets.refused');
  if (e.status === 400) return t('targets.invalid', { message: e.message.replace(/^The target cannot be saved: /, '').replace(/\.$/, '') });
  return t('targets.error', { message: e.message });
}

/** Choose whom, which metric and the value; operators and admins may also name a team. */
export function SetTargetForm({ period, teamsToo, onSaved }: { period: string; teamsToo: boolean; onSaved(): void }) {
  const { t } = useI18n();
  const people = useCubeQuery({
    dimensions: ['staff_performance.employee_id', 'staff_performance.employee', 'staff_performance.team_id', 'staff_performance.team'],
    measures: ['staff_performance.owned_customers'],
    order: { 'staff_performance.team': 'asc', 'staff_performance.employee': 'asc' },
    limit: 5000,
  });
  const options = useMemo(() => {
    const teams = new Map<string, string>();
    const employees = people.rows.map((r) => {
      teams.set(String(r['staff_performance.team_id']), String(r['staff_performance.team']));
      return { value: `e:${r['staff_performance.employee_id']}`, label: `${r['staff_performance.team']} · ${r['staff_performance.employee']}` };
    });
    const teamOptions = teamsToo ? [...teams].map(([id, team]) => ({ value: `t:${id}`, label: t('targets.teamOption', { team }) })) : [];
    return [...teamOptions, ...employees];
  }, [people.rows, teamsToo, t]);
  const [who, setWho] = useState('');
  const [metric, setMetric] = useState('gmv');
  const [value, setValue] = useState('');
  const [state, setState] = useState<{ warnings: TeamSumWarning[]; error: string | null; done: string | null }>({ warnings: [], error: null, done: null });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const [kind, id] = who.split(':');
    try {
      const r = await targetApi.set({ period, metric, value: value.trim(), ...(kind === 't' ? { teamId: Number(id) } : { employeeId: Number(id) }) });
      setState({ warnings: r.warnings, error: null, done: t('targets.saved') });
      onSaved();
    } catch (err) {
      setState({ warnings: [], error: targetErrorText(t, err), done: null });
    }
  };

  return (
    <section className="panel" data-testid="set-target">
      <h2>{t('targets.new')}</h2>
      <form className="target-form" onSubmit={(e) => void submit(e)}>
        <label>{t('targets.for')}
          <select value={who} onChange={(e) => setWho(e.target.value)} required data-testid="target-who">
            <option value="">{t('targets.pickEmployee')}</option>
            {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
        </label>
        <label>{t('targets.col.metric')}
          <select value={metric} onChange={(e) => setMetric(e.target.value)} data-testid="target-metric">
            {TARGET_METRIC_IDS.map((m) => <option key={m} value={m}>{metricLabel(t, m)}</option>)}
          </select>
        </label>
        <label>{t('targets.value')}
          <input inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} required data-testid="target-value" />
        </label>
        <button type="submit" data-testid="target-save">{t('targets.save')}</button>
      </form>
      <Messages warnings={state.warnings} error={state.error} problems={[]} done={state.done} />
    </section>
  );
}

/** A CSV file (last month's export is the template): all lines or none. */
export function ImportTargets({ period, onImported }: { period: string; onImported(): void }) {
  const { t } = useI18n();
  const [state, setState] = useState<{ warnings: TeamSumWarning[]; error: string | null; problems: Array<{ line: number; message: string }>; done: string | null }>(
    { warnings: [], error: null, problems: [], done: null });
  const upload = async (file: File | undefined) => {
    if (!file) return;
    try {
      const r = await targetApi.importCsv(await file.text());
      setState({ warnings: r.warnings, error: null, problems: [], done: t('targets.importDone', { lines: r.lines, changed: r.changed }) });
      onImported();
    } catch (err) {
      const problems = err instanceof TargetApiError ? err.problems : [];
      setState({ warnings: [], error: problems.length > 0 ? t('targets.importFailed') : targetErrorText(t, err), problems, done: null });
    }
  };
  const previous = previousMonth(period);
  return (
    <section className="panel" data-testid="import-targets">
      <h2>{t('targets.import')}</h2>
      <p className="muted small">{t('targets.importHint')}</p>
      <p>
        {previous && <a href={targetApi.exportUrl(previous)} data-testid="target-template">{t('targets.template')}</a>}
        {' · '}
        <a href={targetApi.exportUrl(period)}>{t('targets.exportPeriod')}</a>
      </p>
      <input type="file" accept=".csv,text/csv" data-testid="target-file" onChange={(e) => { void upload(e.target.files?.[0]); e.target.value = ''; }} />
      <Messages {...state} />
    </section>
  );
}
