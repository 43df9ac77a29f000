/**
 * The "?" beside a number's name: its definition from the catalogue on hover
 * and on keyboard focus. The text is always in the DOM (the button's
 * aria-describedby), so screen readers and tests read it without hovering.
 * The tip is positioned fixed from the button's box, so a scrolling table
 * does not clip it.
 */
import { useId, useRef, useState, type CSSProperties } from 'react';
import { Link } from 'react-router';
import { termText, type TermId } from '../lib/definitions/index.ts';
import { useI18n } from '../lib/i18n.tsx';

const TIP_WIDTH = 300;

/** `id`: the term, or the terms a chart draws (each shown in turn). */
export function MetricHelp({ id }: { id: TermId | readonly TermId[] }) {
  const { t, lang } = useI18n();
  const tipId = useId();
  const button = useRef<HTMLAnchorElement>(null);
  const [style, setStyle] = useState<CSSProperties | null>(null);
  const ids: readonly TermId[] = typeof id === 'string' ? [id] : id;
  const texts = ids.map((term) => termText(term, lang));
  const open = () => {
    const box = button.current?.getBoundingClientRect();
    if (!box) return;
    const left = Math.max(8, Math.min(box.left, window.innerWidth - TIP_WIDTH - 8));
    setStyle({ top: box.bottom + 6, left, width: TIP_WIDTH });
  };
  const close = () => setStyle(null);
  return (
    <span className="metric-help-wrap" onMouseEnter={open} onMouseLeave={close}>
      <Link ref={button} to={`/glossary#${ids[0]}`} className="metric-help" data-testid="metric-help" data-term={ids.join(' ')}
        aria-label={t('help.label', { name: texts.map((x) => x.name).join(' / ') })} aria-describedby={tipId}
        onFocus={open} onBlur={close} onKeyDown={(e) => { if (e.key === 'Escape') close(); }}>?</Link>
      <span role="tooltip" id={tipId} className="metric-help-tip" data-testid="metric-help-text" hidden={!style} style={style ?? undefined}>
        {texts.map((text) => (
          <span key={text.name} className="metric-help-term">
            <strong>{text.name}</strong>
            {text.definition}
            {text.notes && <span className="metric-help-notes">{text.notes}</span>}
          </span>
        ))}
      </span>
    </span>
  );
}
