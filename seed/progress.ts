/**
 * A progress line per step. On a terminal it is redrawn in place (at most ten
 * times a second); elsewhere (CI and service logs) a line is written when a
 * step starts, every few seconds while it runs, and when it ends. Given a row
 * count it shows rows per second since the step started.
 */
export type ProgressBar = (label: string, done: number, total: number, rows?: number, detail?: string) => void;

export function progressBar(stream: NodeJS.WriteStream = process.stderr, logEveryMs = 5_000): ProgressBar {
  let label = '';
  let startedAt = 0;
  let lastWrite = 0;
  let ended = false;
  return (nextLabel, done, total, rows, detail) => {
    const now = performance.now();
    const fresh = nextLabel !== label;
    if (fresh) {
      if (stream.isTTY && label !== '' && !ended) stream.write('\n');
      label = nextLabel;
      startedAt = now;
    }
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const ending = ratio === 1 && !(ended && !fresh);
    if (ratio < 1) ended = false;
    const due = fresh || ending || now - lastWrite >= (stream.isTTY ? 100 : logEveryMs);
    if (!due) return;
    lastWrite = now;
    const width = 30;
    const filled = Math.round(ratio * width);
    let text = `${label.padEnd(30)} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${(ratio * 100).toFixed(0).padStart(3)}%`;
    if (rows !== undefined) {
      const seconds = (now - startedAt) / 1000;
      const rate = seconds >= 0.5 ? `${formatCount(rows / seconds)} rows/s` : '';
      text += `  ${formatCount(rows).padStart(11)} rows  ${rate.padStart(16)}`;
    }
    if (detail) text += `  ${detail}`;
    if (stream.isTTY) stream.write(`\r  ${text}\x1b[K${ending ? '\n' : ''}`);
    else stream.write(`  ${text}\n`);
    if (ending) ended = true;
  };
}

function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
