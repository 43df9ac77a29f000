/**
 * Rows of an answer made comparable with rows computed another way: each
 * cell null, a number (numeric text too) to 12 significant digits (a ratio
 * computed in another order differs in its last digits), or text; the rows
 * as sorted JSON lines of the members asked.
 */
type Row = Record<string, unknown>;

export function cell(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(Number(text).toPrecision(12)) : text;
}

export function comparable(rows: readonly Row[], members: readonly string[]): string[] {
  return rows.map((row) => JSON.stringify(members.map((m) => cell(row[m])))).sort();
}
