import { describe, expect, it } from 'vitest';
import { CUSTOMER_TABLES, money, type Cell, type TableName } from '../../seed/tables.ts';
import { blockCount, planBrand, type GenerateOptions } from '../../seed/brand-plan.ts';
import { generate } from '../../seed/generate.ts';
import { copyLine, numberRows } from '../../seed/copy-text.ts';
import { makeBlock } from '../../seed/parallel.ts';
import { Random } from '../../seed/prng.ts';

function collect(customers: number, seed: number): Record<string, Cell[][]> {
  const rows: Record<string, Cell[][]> = {};
  generate({ customers, seed, asOf: '2026-11-20' }, (table: TableName) => {
    rows[table] = [];
    return { row: (cells) => rows[table]!.push([...cells]) };
  });
  return rows;
}

/** The brand's own rows (no customers are made). */
function brandRows(customers: number): Record<string, Cell[][]> {
  const rows: Record<string, Cell[][]> = {};
  planBrand({ customers, seed: 42, asOf: '2026-11-20' }, (table, cells) => (rows[table] ??= []).push([...cells]));
  return rows;
}

/** Each customer table's COPY text, block by block through the block writer, ids numbered as the loader does. */
function blockText(options: GenerateOptions, order?: number[]): Record<string, string[]> {
  const plan = planBrand(options);
  const made = (order ?? plan.blocks.map((_, b) => b)).map((b) => makeBlock(plan, b)).sort((a, b) => a.index - b.index);
  const text: Record<string, string[]> = Object.fromEntries(CUSTOMER_TABLES.map((t) => [t, []]));
  for (const table of CUSTOMER_TABLES) {
    let next = 1;
    for (const block of made) {
      numberRows(block.text[table], next, block.rows[table]);
      next += block.rows[table];
      text[table]!.push(new TextDecoder().decode(block.text[table]));
    }
  }
  return text;
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

  it('grows staff, channels and campaigns with the brand: about 40 teams, 500 employees, 40 channels and 200 campaigns at 1,000,000 customers', () => {
    const reference = brandRows(20_000);
    const mid = brandRows(200_000);
    const large = brandRows(1_000_000);
    const size = (rows: Record<string, Cell[][]>) => ['teams', 'employees', 'channels', 'campaigns'].map((t) => rows[t]!.length);
    expect(size(reference)).toEqual([6, 60, 15, 30]);
    expect(size(large)).toEqual([40, 500, 40, 200]);
    const [teams, employees, channels, campaigns] = size(mid);
    expect(teams).toBeGreaterThan(6);
    expect(teams).toBeLessThan(40);
    expect(employees).toBeGreaterThan(60);
    expect(employees).toBeLessThan(500);
    expect(channels).toBeGreaterThan(15);
    expect(channels).toBeLessThan(40);
    expect(campaigns).toBeGreaterThan(30);
    expect(campaigns).toBeLessThan(200);
    // The reference brand stays as it was inside the larger one: same first teams, staff ids and channels.
    expect(large.teams!.slice(0, 6).map((r) => r[1])).toEqual(reference.teams!.map((r) => r[1]));
    expect(large.channels!.slice(0, 15)).toEqual(reference.channels);
    for (const rows of [mid, large]) {
      const names = (table: string, column: number) => rows[table]!.map((r) => String(r[column]));
      for (const [table, column] of [['teams', 1], ['employees', 1], ['channels', 1], ['channels', 2], ['campaigns', 1]] as const) {
        expect(new Set(names(table, column)).size, `${table} names are unique`).toBe(rows[table]!.length);
      }
      for (const name of [...names('teams', 1), ...names('employees', 1)]) expect(name).toMatch(/^\p{Script=Han}{2,}$/u);
      // Channel names are Chinese, some with a brand or technical term in Latin letters (AI外呼短信, B站UP主合作).
      for (const name of names('channels', 2)) expect(name).toMatch(/\p{Script=Han}{2,}/u);
      // Every team is led by one of its own leads.
      const byId = new Map(rows.employees!.map((e) => [e[0], e]));
      for (const team of rows.teams!) expect(byId.get(team[3])?.slice(2, 4)).toEqual([team[0], 'lead']);
    }
    // City editions of the calendar run in a city that has a team.
    const cities = new Set(large.campaigns!.map((c) => /·(.+)站$/.exec(String(c[1]))?.[1]).filter(Boolean));
    expect(cities.size).toBeGreaterThan(10);
  });

  it('writes the same COPY text through the block writer as copyLine does from the rows, block after block', () => {
    for (const options of [
      { customers: 900, seed: 3, asOf: '2026-11-20', blockCustomers: 250 },
      { customers: 600, seed: 4, asOf: '2026-03-15', timeZone: 'America/New_York', blockCustomers: 200 },
    ]) {
      const expected: Record<string, string[]> = {};
      generate(options, (table) => {
        expected[table] = [];
        return { row: (cells) => expected[table]!.push(copyLine(cells)) };
      });
      const text = blockText(options);
      for (const table of CUSTOMER_TABLES) {
        // Ids come zero-padded to a fixed width (COPY reads them as the same integers).
        expect(text[table]!.join('').replace(/^0+(?=\d)/gm, ''), table).toBe(expected[table]!.join(''));
      }
    }
  });

  it('makes each block from the plan alone, so blocks made in any order on any thread are the same', () => {
    const options = { customers: 1000, seed: 9, asOf: '2026-11-20', blockCustomers: 250 };
    expect(blockText(options, [3, 1, 0, 2])).toEqual(blockText(options));
  });

  it('knows how many blocks the plan cuts before planning (the generator threads start first)', () => {
    for (const [customers, blockCustomers] of [[1, 1], [999, 250], [1000, 250], [1001, 250], [20_000, undefined], [20_001, undefined]] as const) {
      const options = { customers, seed: 1, asOf: '2026-11-20', blockCustomers };
      const plan = planBrand(options);
      expect(blockCount(options), `${customers} by ${blockCustomers}`).toBe(plan.blocks.length);
      // Worked out by hand: the last block holds what is left.
      expect(plan.blocks.at(-1)!.end).toBe(customers);
    }
  });
});

describe('demo phone numbers', () => {
  const suffixOf = (rows: Cell[][]): Map<number, number> => new Map(rows.map((r) => [Number(r[0]), Number(String(r[2]).slice(3))]));

  it('are not a function of the customer id: the old formula and every affine rule fail', () => {
    const phones = suffixOf(collect(2000, 42).customers!);
    const ids = [...phones.keys()].sort((a, b) => a - b);
    expect(ids.length).toBe(2000);
    const s = (id: number): number => phones.get(id)!;
    // The rule of issue 21: last 8 digits = (id × 7654321 + 13579024) mod 10⁸.
    expect(ids.filter((id) => s(id) === (id * 7_654_321 + 13_579_024) % 100_000_000).length).toBeLessThanOrEqual(1);
    // Any s = a·id + b (mod 10⁸) has zero second differences over consecutive ids.
    const second = ids.slice(2).map((id) => (((s(id) - 2 * s(id - 1) + s(id - 2)) % 100_000_000) + 100_000_000) % 100_000_000);
    expect(second.filter((d) => d === 0).length).toBeLessThanOrEqual(2);
    // Nor a rule of the id's digits: consecutive ids' phones share no fixed step.
    const steps = new Set(ids.slice(1).map((id) => (s(id) - s(id - 1) + 100_000_000) % 100_000_000));
    expect(steps.size).toBeGreaterThan(1990);
  });

  it('stay unique, and are the same for the same seed and others for another', async () => {
    const { phoneDigits } = await import('../../seed/phones.ts');
    const a = collect(1500, 42).customers!.map((r) => String(r[2]));
    expect(collect(1500, 42).customers!.map((r) => String(r[2]))).toEqual(a);
    expect(new Set(a).size).toBe(a.length);
    const other = collect(1500, 7).customers!.map((r) => String(r[2]).slice(3));
    expect(other.filter((p, i) => p === a[i]!.slice(3)).length).toBeLessThanOrEqual(1);
    // A permutation of the eight digits: no two of the first 300,000 places meet.
    const seen = new Set<number>();
    for (let id = 1; id <= 300_000; id++) seen.add(phoneDigits(42, id));
    expect(seen.size).toBe(300_000);
  });
});
