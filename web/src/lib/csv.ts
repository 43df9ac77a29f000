/**
 * The one CSV cell escaper of the product: the server's streamed exports
 * (cube/gateway/csv-export.ts) and the files the pages make themselves (the
 * planner's plan) all write cells through it. Pure, no DOM.
 *
 * A cell a spreadsheet would run as a formula (CSV injection) is written as
 * text with a leading apostrophe: one starting with = + - @, also after
 * leading whitespace (spaces, tabs, line breaks, the ideographic space
 * U+3000) and in full-width or small forms (＝ ＋ － ＠ ﹦ ﹢ ﹣ ﹫), which
 * spreadsheets read as the ASCII signs. Plain numbers (-12.5) stay numbers.
 */
const NUMBER = /^-?\d+(\.\d+)?$/;
const LEADING_SPACE = /^[\s\u3000]+/u;
const FORMULA_START = /^[=+\-@\t\r\n]/;

/** Whether a text would start a formula in a spreadsheet. */
export function looksLikeFormula(text: string): boolean {
  if (NUMBER.test(text)) return false;
  if (FORMULA_START.test(text)) return true;
  const head = text.replace(LEADING_SPACE, '').slice(0, 1).normalize('NFKC');
  return FORMULA_START.test(head);
}

/** One CSV cell: formulas neutralised, quoted when it holds a comma, quote or line break. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (looksLikeFormula(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
