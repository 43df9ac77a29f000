/** A one-line progress bar on a terminal; plain lines every 10% elsewhere (CI logs). */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): (label: string, done: number, total: number) => void {
  let lastLabel = '';
  let lastDecile = -1;
  return (label, done, total) => {
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(ratio * width);
      stream.write(`\r  ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${(ratio * 100).toFixed(0).padStart(3)}%  ${label.padEnd(26)}`);
      if (ratio === 1 && label !== lastLabel) stream.write('\n');
    } else {
      const decile = Math.floor(ratio * 10);
      if (label !== lastLabel || decile !== lastDecile) stream.write(`  ${label}: ${(ratio * 100).toFixed(0)}%\n`);
      lastDecile = decile;
    }
    lastLabel = label;
  };
}
