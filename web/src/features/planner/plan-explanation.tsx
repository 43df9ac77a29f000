/** Why the predicted ROI is what it is: what is counted, which months, and each factor against the recent actual. */
import { useI18n } from '../../lib/i18n.tsx';
import { MAX_SPEND_MULTIPLE, MIN_WINDOW_MONTHS, SEASON_PRIOR_YEARS, type Forecast } from './period-forecast.ts';
import type { PeriodPlan } from './period-plan.ts';

const x2 = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(2));
const share = (v: number) => `${Math.round(v * 100)}%`;

export function PlanExplanation({ forecast: f, plan, money }: { forecast: Forecast; plan: PeriodPlan | null; money(v: number): string }) {
  const { t } = useI18n();
  // The prediction read back to the recent actual: the spend level at last year's mix, then what the reallocation adds.
  const level = plan?.sameMixRoi && f.recent.roi ? plan.sameMixRoi / (f.recent.roi * f.season.factor * f.trend.factor) : null;
  const reallocation = plan?.sameMixRoi && plan.roi !== null ? plan.roi / plan.sameMixRoi : null;
  return (
    <section className="panel planner-explain" data-testid="plan-explanation">
      <h2>{t('planner.explain.title')}</h2>
      <p>{t('planner.explain.counted')}</p>
      <p data-testid="explain-recent" data-value={f.recent.roi ?? ''}>
        {t('planner.explain.recent', { from: f.recent.from, to: f.recent.to, months: f.recent.months, spend: money(f.recent.spend), gmv: money(f.recent.gmv), roi: x2(f.recent.roi) })}
      </p>
      <div data-testid="explain-season" data-value={f.season.factor}>
        {t('planner.explain.season', { factor: x2(f.season.factor) })}
        <ul>
          {f.season.parts.map((p) => (
            <li key={p.month}>
              {p.years.length > 0
                ? t('planner.explain.seasonPart', {
                  month: p.month.slice(5), share: share(p.share), n: p.years.length, prior: SEASON_PRIOR_YEARS, raw: x2(p.raw), factor: x2(p.factor),
                  years: p.years.map((y) => t('planner.explain.seasonYear', { month: y.month, roi: x2(y.roi), yearRoi: x2(y.yearRoi) })).join('；'),
                })
                : t('planner.explain.seasonNone', { month: p.month.slice(5), share: share(p.share), min: MIN_WINDOW_MONTHS })}
            </li>
          ))}
        </ul>
      </div>
      <p data-testid="explain-trend" data-value={f.trend.factor}>
        {f.trend.yearly !== 1 || (f.trend.before.roi !== null && f.trend.before.months >= MIN_WINDOW_MONTHS)
          ? t('planner.explain.trend', {
            factor: x2(f.trend.factor), recent: x2(f.trend.recent.roi), before: x2(f.trend.before.roi), from: f.trend.before.from, to: f.trend.before.to,
            yearly: x2(f.trend.yearly), horizon: f.trend.horizon.toFixed(1),
          })
          : t('planner.explain.trendNone', { from: f.trend.before.from, to: f.trend.before.to, min: MIN_WINDOW_MONTHS })}
      </p>
      <p>
        {t('planner.explain.level', {
          alpha: x2(f.elasticity.value), points: f.elasticity.points, fallback: f.elasticity.fitted ? '' : t('planner.explain.levelFallback'),
        })}
      </p>
      {plan && (
        <>
          <p data-testid="explain-same-mix" data-value={plan.sameMixRoi ?? ''}>{t('planner.explain.sameMix', { roi: x2(plan.sameMixRoi), gain: x2(reallocation), multiple: MAX_SPEND_MULTIPLE })}</p>
          <p className="planner-result" data-testid="explain-result">
            {t('planner.explain.result', {
              predicted: x2(plan.roi), recent: x2(f.recent.roi), season: x2(f.season.factor), trend: x2(f.trend.factor), level: x2(level), reallocation: x2(reallocation),
            })}
          </p>
        </>
      )}
      {f.idle.length > 0 && <p className="muted small">{t('planner.explain.idle', { channels: f.idle.join('、') })}</p>}
    </section>
  );
}
