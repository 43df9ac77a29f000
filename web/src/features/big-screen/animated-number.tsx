import { useEffect, useRef, useState } from 'react';

const DURATION_MS = 900;

interface Props {
  value: number | null;
  format: (value: number) => string;
  className?: string;
}

/**
 * A number that glides to its new value. It always shows text (the previous
 * value, or "—" before the first answer), never a spinner; the target is in
 * `data-value` for automation.
 */
export function AnimatedNumber({ value, format, className = 'bs-number' }: Props) {
  const [shown, setShown] = useState<number | null>(value);
  const shownRef = useRef<number | null>(value);

  useEffect(() => {
    const start = shownRef.current;
    if (value === null || start === null || start === value) {
      shownRef.current = value;
      setShown(value);
      return;
    }
    const t0 = performance.now();
    let frame = 0;
    const step = (t: number): void => {
      const k = Math.min(1, (t - t0) / DURATION_MS);
      const v = k >= 1 ? value : start + (value - start) * (1 - (1 - k) ** 3);
      shownRef.current = v;
      setShown(v);
      if (k < 1) frame = requestAnimationFrame(step);
    };
    frame = requestAnimationFrame(step);
    // Frames do not run in a hidden tab; land on the value anyway.
    const landing = window.setTimeout(() => {
      cancelAnimationFrame(frame);
      shownRef.current = value;
      setShown(value);
    }, DURATION_MS + 100);
    return () => {
      cancelAnimationFrame(frame);
      window.clearTimeout(landing);
    };
  }, [value]);

  return (
    <span className={className} data-testid="kpi-value" data-value={value ?? ''}>
      {shown === null ? '—' : format(shown)}
    </span>
  );
}
