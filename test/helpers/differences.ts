/**
 * What a kept table holds against what its facts, counted apart in plain SQL,
 * say it should: the rows expected and missing, and the rows there and not
 * expected, each as text (at most 20). Both queries give the same columns in
 * the same order; EXCEPT ALL compares them row for row (NULLs equal).
 */
import type { Sql } from 'postgres';

export async function rowDifferences(sql: Sql, expected: string, actual: string): Promise<string[]> {
  const rows = await sql.unsafe<{ side: string; row: string }[]>(`
    WITH expected AS (${expected}), actual AS (${actual})
    (SELECT 'missing' AS side, (e.*)::text AS row FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) AS e)
    UNION ALL
    (SELECT 'extra', (a.*)::text FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected) AS a)
    ORDER BY 1, 2 LIMIT 20`);
  return rows.map((r) => `${r.side} ${r.row}`);
}
