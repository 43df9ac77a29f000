/** The frame every big-screen tile shares, and the small parts several tiles draw (a KPI, bars, "no data"). */
import { useCallback, useEffect, useState, type KeyboardEvent, type ReactNode } from 'react';
import { MetricHelp } from '../../../components/metric-help.tsx';
import type { TermId } from '../../../lib/definitions/index.ts';
import { formatCurrency, formatInteger, formatPercent } from '../../../lib/format.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { AnimatedNumber } from '../animated-number.tsx';
import { openInNewTab } from '../drill-links.ts';
import type { BreakdownItem, Row } from '../transform.ts';

export function Empty() {
  const { t } = useI18n();
  return <div className="bs-empty">{t('bigScreen.noData')}</div>;
}

interface TileProps {
  id: string;
  title: string;
  href: string | null;
  stale: string | null;
  className: string;
  /** The terms the tile shows: their definitions on the title's "?". */
  help: TermId | readonly TermId[];
  extra?: ReactNode;
  children: ReactNode;
}

/** A tile: a click anywhere opens its drill target in a new tab. */
export function Tile({ id, title, href, stale, className, help, extra, children }: TileProps) {
  const open = (): void => { if (href) openInNewTab(href); };
  return (
    <section className={`bs-tile ${className}${stale ? ' is-stale' : ''}`} data-testid={`tile-${id}`} data-stale={stale ? 'true' : 'false'}
      data-href={href ?? ''} role="link" tabIndex={0} aria-label={title} onClick={open}
      onKeyDown={(e: KeyboardEvent) => { if (e.key === 'Enter') open(); }}>
      <header className="bs-tile-head">
        <h2>{title}<span onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}><MetricHelp id={help} /></span></h2>
        {extra}
        {stale && <span className="bs-stale" data-testid="stale">{stale}</span>}
        <span className="bs-drill" aria-hidden="true">↗</span>
      </header>
      <div className="bs-tile-body">{children}</div>
    </section>
  );
}

export function Kpi({ metric, label, value, format, href }: { metric: string; label: string; value: number | null; format: (v: number) => string; href: string | null }) {
  return (
    <div className="bs-kpi" data-testid={`kpi-${metric}`} onClick={(e) => { e.stopPropagation(); if (href) openInNewTab(href); }}>
      <div className="bs-kpi-label">{label}</div>
      <AnimatedNumber value={value} format={format} className="bs-number bs-mid" />
    </div>
  );
}

export function Bars({ items, rows, format, label = (l) => l, onPick }: {
  items: readonly BreakdownItem[]; rows: readonly Row[] | null; format: (v: number) => string; label?: (l: string) => string; onPick: (label: string) => void;
}) {
  if (rows && items.length === 0) return <Empty />;
  return (
    <ul className="bs-bars">
      {items.map((i) => (
        <li key={i.label} onClick={(e) => { e.stopPropagation(); onPick(i.label); }}>
          <span className="bs-bar-label">{label(i.label)}</span>
          <span className="bs-bar-track"><span className="bs-bar-fill" style={{ width: `${Math.max(1, i.share * 100)}%` }} /></span>
          <span className="bs-bar-value"><AnimatedNumber value={i.value} format={format} /></span>
        </li>
      ))}
    </ul>
  );
}

/**
 * Canvas text does not make the browser fetch a web font's glyphs: load the
 * ones the charts draw, then count up so the charts draw again with them.
 */
export function useWebFontFor(text: string): number {
  const [epoch, setEpoch] = useState(0);
  useEffect(() => {
    if (!text || !document.fonts) return;
    let live = true;
    void Promise.all([document.fonts.load('16px "Noto Sans SC"', text), document.fonts.load('bold 16px "Noto Sans SC"', text)])
      .then(() => { if (live) setEpoch((n) => n + 1); }, () => undefined);
    return () => { live = false; };
  }, [text]);
  return epoch;
}

/** The screen's number formats in the current language, stable between renders (AnimatedNumber keys on them). */
export function useScreenFormats() {
  const { lang } = useI18n();
  const money = useCallback((v: number) => formatCurrency(v, lang), [lang]);
  const integer = useCallback((v: number) => formatInteger(v, lang), [lang]);
  const percent = useCallback((v: number) => formatPercent(v, lang), [lang]);
  return { money, integer, percent };
}
