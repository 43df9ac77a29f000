import { MetricHelp } from '../../../components/metric-help.tsx';
import { useCallback, useMemo } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { EChart } from '../../../components/echart.tsx';
import { QueryState } from '../../../components/query-state.tsx';
import { JOURNEY_FAMILIES } from '../../../lib/drill.ts';
import { linkWith } from '../../../lib/filters.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { useSession } from '../../../lib/session.tsx';
import { useCubeQuery } from '../../../lib/use-cube-query.ts';
import type { Query } from '../../../lib/cube.ts';
import { journeyDrillParams, type JourneyChoice } from './build-query.ts';
import { FAMILY_TITLE, stageLabel } from './stage-label.ts';
import { toJourneyMatrix, transformJourneySankey } from './transform.ts';

/**
 * Stage-to-stage moves between two days as a Sankey and a from × to matrix;
 * a flow or a cell opens the customers who made that move. The choice
 * (classification, days) lives in the URL; the page parses it and builds the
 * query (segments/page-queries.ts: journey_flows).
 */
export function JourneyFlows({ choice, query }: { choice: JourneyChoice; query: Query }) {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const { rows, isLoading, error, refetch } = useCubeQuery(query);
  const matrix = useMemo(() => toJourneyMatrix(choice.family, rows), [choice.family, rows]);
  const label = useMemo(() => stageLabel(choice.family, t), [choice.family, t]);
  const option = useMemo(
    () => transformJourneySankey(matrix, label, choice.fromDate, choice.toDate),
    [matrix, label, choice.fromDate, choice.toDate],
  );
  const drillLink = useCallback(
    (from: string, to: string) => linkWith('/customers', params, { ...journeyDrillParams(choice, from, to), via: 'segments' }),
    [params, choice],
  );
  const set = (key: string, value: string) => setParams((prev) => {
    const next = new URLSearchParams(prev);
    next.set(key, value);
    return next;
  }, { replace: true });

  return (
    <section className="panel panel-wide" data-testid="chart-journey">
      <h2>{t('journey.title')}<MetricHelp id={choice.family} /></h2>
      <p className="muted">{t('journey.hint')}</p>
      <div className="journey-controls">
        <label>
          {t('journey.family')}
          <select data-testid="journey-family" value={choice.family} onChange={(e) => set('jfamily', e.target.value)}>
            {JOURNEY_FAMILIES.map((f) => <option key={f} value={f}>{t(FAMILY_TITLE[f])}</option>)}
          </select>
        </label>
        <label>
          {t('journey.from')}
          <input type="date" data-testid="journey-from" value={choice.fromDate} max={choice.toDate}
            onChange={(e) => e.target.value && set('jfrom', e.target.value)} />
        </label>
        <label>
          {t('journey.to')}
          <input type="date" data-testid="journey-to" value={choice.toDate} max={me!.asOf}
            onChange={(e) => e.target.value && set('jto', e.target.value)} />
        </label>
      </div>
      <QueryState isLoading={isLoading} error={error} isEmpty={matrix.total === 0} onRetry={refetch} minHeight={360}>
        <EChart sankey option={option} height={Math.max(320, 28 * Math.max(matrix.from.length, matrix.to.length))}
          onItemClick={(item) => {
            const flow = item.dataType === 'edge' ? matrix.flows[item.dataIndex] : undefined;
            if (flow) navigate(drillLink(flow.from, flow.to));
          }} />
        <div className="table-scroll">
          <table className="data-table journey-matrix" data-testid="journey-matrix">
            <thead>
              <tr>
                <th>{t('journey.corner')}</th>
                {matrix.to.map((to) => <th key={to} className="num">{label(to)}</th>)}
              </tr>
            </thead>
            <tbody>
              {matrix.from.map((from) => (
                <tr key={from}>
                  <th>{label(from)}</th>
                  {matrix.to.map((to) => {
                    const n = matrix.count(from, to);
                    return (
                      <td key={to} className={from === to ? 'num journey-stay' : 'num'}>
                        {n > 0
                          ? <Link to={drillLink(from, to)} data-testid="journey-cell" data-from={from} data-to={to} data-count={n}>{n.toLocaleString(lang)}</Link>
                          : <span className="muted">0</span>}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </QueryState>
    </section>
  );
}
