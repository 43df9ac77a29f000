/**
 * OneID: customer codes that name the same person become one customer. Two
 * codes are the same person when they share a phone number (the customers'
 * phone, or an identity of system `phone`) or a unionid, in the files or
 * with a customer already in the database. Never on a name. Each group keeps
 * one row: the one already in the database if there is one, else the
 * earliest line; every code of the group maps to its id.
 */
import type { TransactionSql } from 'postgres';
import { msg } from './messages.ts';
import type { FileProblem } from './read.ts';
import { columnIndex, type EntityRows, type Record_ } from './validate.ts';
import { copyInto } from './write.ts';

export interface Merge {
  code: string;
  into: string;
  via: 'phone' | 'unionid';
  value: string;
}

export interface CustomerPlan {
  /** Every customer code of the files → its group. */
  groupOf: Map<string, string>;
  /** Group → the database id it has, or null for a new customer. */
  groupId: Map<string, number | null>;
  /** Codes already in the code map, with their id. */
  known: Map<string, number>;
  /** The rows written: at most one per group (its primary code's). */
  rows: { root: string; record: Record_ }[];
  merges: Merge[];
}

class Groups {
  private parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p === x) return x;
    p = this.find(p);
    this.parent.set(x, p);
    return p;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

export async function planCustomers(tx: TransactionSql, customers: EntityRows | undefined, identities: EntityRows | undefined,
  problems: FileProblem[]): Promise<CustomerPlan> {
  const records = customers?.records ?? [];
  const phoneAt = columnIndex('customers', 'phone');
  const groups = new Groups();
  const links: { a: string; b: string; via: Merge['via']; value: string }[] = [];
  const link = (a: string, b: string, via: Merge['via'], value: string): void => {
    if (groups.find(a) !== groups.find(b)) links.push({ a, b, via, value });
    groups.union(a, b);
  };
  const codes = new Set(records.map((r) => r.key));
  const idRows = identities?.records ?? [];
  for (const r of idRows) codes.add(r.v[0]!);
  const mapped = await tx<{ code: string; id: number; merged: boolean }[]>`
    SELECT code, id::int, merged FROM siyu.import_codes WHERE entity = 'customers' AND code = ANY(${[...codes]}::text[])`;
  const known = new Map(mapped.map((r) => [r.code, r.id]));
  const primary = new Set(mapped.filter((r) => !r.merged).map((r) => r.code));
  for (const [code, id] of known) groups.union(`id:${id}`, `c:${code}`);

  const byPhone = new Map<string, string>();
  const phoneOf = (code: string, phone: string): void => {
    const other = byPhone.get(phone);
    if (other) link(`c:${other}`, `c:${code}`, 'phone', phone);
    else byPhone.set(phone, code);
  };
  for (const r of records) phoneOf(r.key, r.v[phoneAt]!);
  const byUnionid = new Map<string, string>();
  for (const r of idRows) {
    const [code, system, external] = r.v as [string, string, string];
    if (system === 'phone') phoneOf(code, external);
    if (system === 'unionid') {
      const other = byUnionid.get(external);
      if (other) link(`c:${other}`, `c:${code}`, 'unionid', external);
      else byUnionid.set(external, code);
    }
  }
  // The same phone or unionid on a customer already in the database.
  for (const row of await tx<{ phone: string; id: number }[]>`
    SELECT phone, id FROM siyu.customers WHERE phone = ANY(${[...byPhone.keys()]}::text[])`) {
    link(`id:${row.id}`, `c:${byPhone.get(row.phone)!}`, 'phone', row.phone);
  }
  for (const row of await tx<{ system: string; external_id: string; customer_id: number }[]>`
    SELECT system, external_id, customer_id FROM siyu.customer_identities
    WHERE (system = 'unionid' AND external_id = ANY(${[...byUnionid.keys()]}::text[]))
       OR (system = 'phone' AND external_id = ANY(${[...byPhone.keys()]}::text[]))`) {
    const code = row.system === 'unionid' ? byUnionid.get(row.external_id)! : byPhone.get(row.external_id)!;
    link(`id:${row.customer_id}`, `c:${code}`, row.system as Merge['via'], row.external_id);
  }

  // Per group: the database ids in it, and its written row.
  const dbIds = new Map<string, Set<number>>();
  const addId = (node: string, id: number): void => {
    const root = groups.find(node);
    const set = dbIds.get(root) ?? new Set<number>();
    set.add(id);
    dbIds.set(root, set);
  };
  for (const [, id] of known) addId(`id:${id}`, id);
  for (const l of links) for (const n of [l.a, l.b]) if (n.startsWith('id:')) addId(n, Number(n.slice(3)));
  // The code each linked customer of the database was first imported under, to name it in the report.
  const linkedIds = links.flatMap((l) => [l.a, l.b]).filter((n) => n.startsWith('id:')).map((n) => Number(n.slice(3)));
  const codeOfId = new Map((await tx<{ id: number; code: string }[]>`
    SELECT id::int, code FROM siyu.import_codes WHERE entity = 'customers' AND NOT merged AND id = ANY(${linkedIds}::bigint[])`).map((r) => [r.id, r.code]));
  for (const r of mapped) if (!r.merged) codeOfId.set(r.id, r.code);
  const refused = new Set<string>();
  for (const [root, ids] of dbIds) {
    if (ids.size > 1) {
      refused.add(root);
      const names = [...ids].map((id) => codeOfId.get(id) ?? `#${id}`).join(', ');
      const row = records.find((r) => groups.find(`c:${r.key}`) === root) ?? idRows.find((r) => groups.find(`c:${r.v[0]}`) === root);
      problems.push({
        file: (records.includes(row!) ? customers?.file : identities?.file) ?? '', line: row?.line ?? null, column: null,
        value: row ? (records.includes(row) ? row.key : row.v[0]!) : null, reason: msg('merge_existing', { other: names }),
      });
    }
  }
  const plan: CustomerPlan = { groupOf: new Map(), groupId: new Map(), known, rows: [], merges: [] };
  for (const code of codes) {
    const root = groups.find(`c:${code}`);
    if (refused.has(root)) continue;
    plan.groupOf.set(code, root);
    const ids = dbIds.get(root);
    plan.groupId.set(root, ids ? [...ids][0]! : null);
  }
  // A group already in the database is written from its primary code's row
  // only (never from a code merged into it later), a new group from its
  // earliest line: the same files give the same row every time.
  const chosen = new Map<string, Record_>();
  for (const r of records) {
    const root = plan.groupOf.get(r.key);
    if (root === undefined || chosen.has(root)) continue;
    if (plan.groupId.get(root) === null || primary.has(r.key)) chosen.set(root, r);
  }
  plan.rows = [...chosen].map(([root, record]) => ({ root, record }));
  for (const l of links) {
    const code = l.b.startsWith('c:') ? l.b.slice(2) : l.a.slice(2);
    const other = l.a.startsWith('c:') ? l.a.slice(2) : codeOfId.get(Number(l.a.slice(3))) ?? l.a;
    if (code !== other && !(known.has(code) && known.has(other))) plan.merges.push({ code, into: other, via: l.via, value: l.value });
  }
  return plan;
}

export const mergeMessage = (m: Merge) => msg('merged', { code: m.code, into: m.into, via: m.via, value: m.value });

/**
 * Ids for the customer codes of the files: a code in the map keeps its id; a
 * new code joining a customer of the database gets that id; a new group gets
 * one new id for all its codes. New codes go into the map, marked merged
 * unless theirs is the group's written row.
 */
export async function mapCustomers(tx: TransactionSql, plan: CustomerPlan, ids: Map<string, number>): Promise<void> {
  const writtenCode = new Map(plan.rows.map((r) => [r.root, r.record.key]));
  const [{ base } = { base: 0 }] = await tx<{ base: number }[]>`
    SELECT greatest((SELECT coalesce(max(id), 0) FROM siyu.customers),
                    (SELECT coalesce(max(id), 0) FROM siyu.import_codes WHERE entity = 'customers'))::bigint AS base`;
  let next = Number(base);
  const fresh = new Map<string, number>();
  const rows: (string | number)[][] = [];
  for (const [code, root] of plan.groupOf) {
    const known = plan.known.get(code);
    if (known !== undefined) {
      ids.set(code, known);
      continue;
    }
    let id = plan.groupId.get(root) ?? fresh.get(root);
    if (id === undefined) {
      id = ++next;
      fresh.set(root, id);
    }
    ids.set(code, id);
    rows.push(['customers', code, id, writtenCode.get(root) === code ? 'false' : 'true']);
  }
  await copyInto(tx, 'siyu.import_codes', ['entity', 'code', 'id', 'merged'], rows);
}
