/**
 * /glossary: every metric and dimension of the catalogue with its definition,
 * from the same definitions module as the tooltips and docs/metrics.md; the
 * views listed are the ones this person can query (the server's /meta for
 * their role).
 */
import { useEffect, useMemo, useState } from 'react';
import { useLocation } from 'react-router';
import {
  definitionOf, DERIVED_DEFINITIONS, DIMENSION_DEFINITIONS, JOURNEY_DEFINITIONS, termText, type TermId,
} from '../../lib/definitions/index.ts';
import { METRIC_SECTIONS } from '../../lib/definitions/metrics.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { viewsByTerm, type Meta } from './views-by-term.ts';

function useMeta(): Meta | null {
  const [meta, setMeta] = useState<Meta | null>(null);
  useEffect(() => {
    let live = true;
    fetch('/cubejs-api/v1/meta', { credentials: 'same-origin' })
      .then((r) => (r.ok ? (r.json() as Promise<Meta>) : null))
      .then((m) => { if (live) setMeta(m); }, () => undefined);
    return () => { live = false; };
  }, []);
  return meta;
}

function TermRows({ ids, views }: { ids: readonly TermId[]; views: Map<string, string[]> | null }) {
  const { t, lang } = useI18n();
  return (
    <>
      {ids.map((id) => {
        const text = termText(id, lang);
        const formula = definitionOf(id).formula;
        const offered = views?.get(id) ?? [];
        return (
          <tr key={id} id={id} data-testid="glossary-term" data-term={id}>
            <td><code>{id}</code></td>
            <td><strong>{text.name}</strong>{lang === 'en' ? null : <div className="muted small">{definitionOf(id).en.name}</div>}</td>
            <td className="glossary-definition">
              {text.definition}
              {formula && <div className="muted small">{t('glossary.formula')}: <code>{formula}</code></div>}
              {text.notes && <div className="muted small">{text.notes}</div>}
            </td>
            <td className="small">{views === null ? '…' : offered.length > 0 ? offered.map((v) => <code key={v} className="glossary-view">{v}</code>) : t('glossary.noView')}</td>
          </tr>
        );
      })}
    </>
  );
}

function TermTable({ title, ids, views }: { title: string; ids: readonly TermId[]; views: Map<string, string[]> | null }) {
  const { t } = useI18n();
  return (
    <section className="panel">
      <h2>{title}</h2>
      <div className="table-wrap">
        <table className="data-table glossary-table">
          <thead>
            <tr><th>{t('glossary.id')}</th><th>{t('glossary.name')}</th><th>{t('glossary.definition')}</th><th>{t('glossary.views')}</th></tr>
          </thead>
          <tbody><TermRows ids={ids} views={views} /></tbody>
        </table>
      </div>
    </section>
  );
}

export function GlossaryPage() {
  const { t, lang } = useI18n();
  const meta = useMeta();
  const views = useMemo(() => (meta ? viewsByTerm(meta) : null), [meta]);
  const { hash } = useLocation();
  // Arriving from a "?" link: bring its row into view once the page is drawn.
  useEffect(() => {
    if (hash) document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView({ block: 'center' });
  }, [hash]);
  return (
    <div className="page" data-testid="glossary">
      <div className="page-head"><h1>{t('glossary.title')}</h1></div>
      <p className="muted">{t('glossary.intro')}</p>
      {METRIC_SECTIONS.map((s) => <TermTable key={s.en} title={lang === 'en' ? s.en : s.zh} ids={s.ids} views={views} />)}
      <TermTable title={t('glossary.derived')} ids={Object.keys(DERIVED_DEFINITIONS) as TermId[]} views={views} />
      <TermTable title={t('glossary.dimensions')} ids={Object.keys(DIMENSION_DEFINITIONS) as TermId[]} views={views} />
      <TermTable title={t('glossary.journeys')} ids={Object.keys(JOURNEY_DEFINITIONS) as TermId[]} views={views} />
    </div>
  );
}
