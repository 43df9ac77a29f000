import { describe, expect, it } from 'vitest';
import { generate, money, type Cell, type TableName } from '../../seed/generate.ts';
import { copyLine } from '../../seed/load.ts';
import { Random } from '../../seed/prng.ts';

function collect(customers: number, seed: number): Record<string, Cell[][]> {
  const rows: Record<string, Cell[][]> = {};
  generate({ customers, seed, asOf: '2026-11-20' }, (table: TableName) => {
    rows[table] = [];
    return { row: (cells) => rows[table]!.push([...cells]) };
  });
  return rows;
}

describe('generator', () => {
  it('writes money with integer arithmetic only', () => {
    expect(money(0)).toBe('0.00');
    expect(money(5)).toBe('0.05');
    expect(money(123456789)).toBe('1234567.89');
  });

  it('escapes COPY text', () => {
    expect(copyLine(['a\tb', null, true, 3, 'x\\y\nz'])).toBe('a\\tb\t\\N\tt\t3\tx\\\\y\\nz\n');
  });

  it('draws the same numbers from the same seed, different from another', () => {
    const a = new Random(1);
    const b = new Random(1);
    const c = new Random(2);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
  });

  it('scales with the customer count and keeps reference data fixed', () => {
    const small = collect(200, 3);
    const large = collect(800, 3);
    expect(small.customers).toHaveLength(200);
    expect(large.customers).toHaveLength(800);
    expect(large.orders!.length).toBeGreaterThan(small.orders!.length * 2);
    expect(small.employees).toEqual(large.employees);
    expect(small.channels).toHaveLength(15);
    expect(small.campaigns).toHaveLength(30);
  });
});
