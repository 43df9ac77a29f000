import { useMemo } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { Breadcrumbs, type Crumb } from '../../components/breadcrumbs.tsx';
import { RevealPhone } from '../../components/reveal-phone.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { formatCurrency, formatInteger } from '../../lib/format.ts';
import { rfmLabel } from '../../lib/rfm.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { useCubeQuery } from '../../lib/use-cube-query.ts';
import { customer360Queries } from './page-queries.ts';
import { toTimeline, type TimelineItem } from './timeline/transform.ts';

/** Only same-site list paths, so a crafted ?back= cannot send people elsewhere. */
function safeBack(back: string | null): string {
  return back && back.startsWith('/customers') ? back : '/customers';
}

export function Customer360Page() {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const { id } = useParams();
  const [params] = useSearchParams();
  const customerId = Number(id);
  const valid = Number.isInteger(customerId) && customerId > 0;
  const queries = customer360Queries(valid ? customerId : null);
  const profile = useCubeQuery(queries.profile);
  const identities = useCubeQuery(queries.identities);
  const orders = useCubeQuery(queries.orders);
  const campaigns = useCubeQuery(queries.campaigns);
  const events = useCubeQuery(queries.events);
  const followUps = useCubeQuery(queries.follow_ups);
  const appointments = useCubeQuery(queries.appointments);
  const timeline = useMemo(
    () => toTimeline({ orders: orders.rows, campaigns: campaigns.rows, events: events.rows, followUps: followUps.rows, appointments: appointments.rows }),
    [orders.rows, campaigns.rows, events.rows, followUps.rows, appointments.rows],
  );
  const p = profile.rows[0];
  const f = (field: string) => p?.[`customer_insights.${field}`];
  const s = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : String(v));
  const name = s(f('customer_name'));
  const crumbs: Crumb[] = [{ label: t('crumb.customers'), to: safeBack(params.get('back')) }, { label: p ? name : `#${id ?? ''}` }];
  const sources = [orders, campaigns, events, followUps, appointments];
  /** A code in the product's words, the code itself when there is no word for it. */
  const word = (prefix: string, code: unknown) => {
    if (code === null || code === undefined || code === '') return '—';
    const key = `${prefix}.${String(code)}` as MessageKey;
    const text = t(key);
    return text === undefined || text === '' ? String(code) : text;
  };
  const sentence = (item: TimelineItem) => {
    switch (item.kind) {
      case 'order': return t('timeline.order', { amount: formatCurrency(item.params.amount, lang), channel: item.params.channel ?? '' }) + (item.params.campaign ? ` · ${item.params.campaign}` : '');
      case 'campaign': return t('timeline.campaign', { campaign: item.params.campaign ?? '' });
      case 'event': return t('timeline.event', { type: word('event', item.params.type), channel: item.params.channel ?? '' });
      case 'follow_up': return t('timeline.followUp', { kind: word('followUp', item.params.kind), employee: item.params.employee ?? '' });
      case 'appointment': return t('timeline.appointment', { date: item.params.date ?? '', employee: item.params.employee ?? '', arrived: t(item.params.arrived === 'yes' ? 'timeline.arrived' : 'timeline.notArrived') });
    }
  };

  return (
    <div className="page">
      <div className="page-head"><h1>{t('c360.title')}{p && <span data-testid="customer-name"> · {name}</span>}</h1></div>
      <Breadcrumbs crumbs={crumbs} />
      <QueryState isLoading={profile.isLoading} error={profile.error} isEmpty={!p} onRetry={profile.refetch} emptyReason={t('c360.notFound')} skeleton="table">
        <div className="grid-3">
          <section className="panel" data-testid="c360-identity">
            <h2>{t('c360.identities')}</h2>
            <dl className="facts">
              <dt>OneID</dt><dd>{customerId}</dd>
              <dt>{t('col.phone')}</dt><dd data-testid="phone"><RevealPhone customer={customerId} masked={s(f('phone'))} canReveal={me?.role === 'staff'} /></dd>
              <dt>{t('c360.registered')}</dt><dd>{s(f('registered_date')).slice(0, 10)}</dd>
              <dt>{t('c360.memberLevel')}</dt><dd>{word('level', f('member_level'))}</dd>
              <dt>{t('c360.cityTier')}</dt><dd>{word('tier', f('city_tier'))}</dd>
            </dl>
            <ul className="chips" data-testid="identities">
              {identities.rows.map((r) => <li key={String(r['customer_identities_list.system'])}>{word('identity', r['customer_identities_list.system'])} × {String(r['customer_identities_list.count'])}</li>)}
            </ul>
          </section>
          <section className="panel" data-testid="c360-owner">
            <h2>{t('c360.owner')}</h2>
            <dl className="facts">
              <dt>{t('col.owner')}</dt><dd data-testid="owner">{s(f('owner'))}</dd>
              <dt>{t('col.owner_team')}</dt><dd>{s(f('owner_team'))}</dd>
              <dt>{t('col.source_channel')}</dt><dd>{s(f('source_channel'))}</dd>
            </dl>
          </section>
          <section className="panel" data-testid="c360-stages">
            <h2>{t('c360.stages')}</h2>
            <dl className="facts">
              <dt>{t('col.lifecycle_stage')}</dt><dd>{f('lifecycle_stage') ? t(`lifecycle.${String(f('lifecycle_stage'))}` as MessageKey) : '—'}</dd>
              <dt>{t('col.rfm_segment')}</dt><dd>{f('rfm_segment') ? rfmLabel(String(f('rfm_segment')), t) : '—'}</dd>
              <dt>AIPL</dt><dd>{f('aipl_stage') ? t(`aipl.${String(f('aipl_stage'))}` as MessageKey) : '—'}</dd>
              <dt>5A</dt><dd>{f('five_a_stage') ? t(`fiveA.${String(f('five_a_stage'))}` as MessageKey) : '—'}</dd>
              <dt>{t('chart.valueQuadrant')}</dt><dd>{f('value_quadrant') ? t(`quadrant.${String(f('value_quadrant'))}` as MessageKey) : '—'}</dd>
              <dt>{t('c360.activityPoints')}</dt><dd>{formatInteger(f('activity_points'), lang)}</dd>
              <dt>{t('c360.valuePoints')}</dt><dd>{formatInteger(f('value_points'), lang)}</dd>
              <dt>{t('c360.paidOrders')}</dt><dd>{formatInteger(f('paid_orders'), lang)}</dd>
              <dt>{t('col.ltv')}</dt><dd>{formatCurrency(f('paid_amount'), lang)}</dd>
              <dt>{t('col.last_paid_date')}</dt><dd>{s(f('last_paid_date')).slice(0, 10)}</dd>
            </dl>
          </section>
        </div>
        <section className="panel" data-testid="c360-timeline">
          <h2>{t('c360.timeline')}</h2>
          <QueryState isLoading={sources.some((q) => q.isLoading)} error={sources.find((q) => q.error)?.error ?? null}
            isEmpty={timeline.length === 0} onRetry={() => sources.forEach((q) => q.refetch())} emptyReason={t('timeline.empty')} skeleton="table">
            <ol className="timeline">
              {timeline.map((item) => (
                <li key={item.key} className={`tl-${item.kind}`} data-testid="timeline-item" data-kind={item.kind}>
                  <time>{item.at}</time>
                  <span>{sentence(item)}</span>
                </li>
              ))}
            </ol>
          </QueryState>
        </section>
      </QueryState>
    </div>
  );
}
