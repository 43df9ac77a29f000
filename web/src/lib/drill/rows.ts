/** The list query's rows, one object per customer keyed by column. */
import { drillDef, type DrillMetric } from './catalogue.ts';
import { ATTRIBUTES, BASE_COLUMNS, drillColumns, type DrillColumnId } from './columns.ts';
import { drillListRows, INSIGHTS_ATTRIBUTES } from './queries.ts';

export interface DrillRow {
  customer: number;
  values: Partial<Record<DrillColumnId, unknown>>;
  /** The customers outside the person's ownership scope, as one row with no name, phone or attributes. */
  anonymous?: { customers: number };
}

/**
 * Rows of the list query in, one object per customer out, keyed by column.
 * `attributes` (rows of `buildDrillAttributesQuery`) fill the attribute
 * columns of a ranked page; the rows keep the page query's order.
 */
export function toDrillRows(
  metric: DrillMetric,
  rows: ReadonlyArray<Record<string, unknown>>,
  attributes?: ReadonlyArray<Record<string, unknown>>,
): DrillRow[] {
  const def = drillDef(metric);
  const columns = drillColumns(metric);
  const customerMember = `${def.view}.${ATTRIBUTES[def.view].customer}`;
  const byCustomer = new Map((attributes ?? []).map((a) => [Number(a[INSIGHTS_ATTRIBUTES[0]!]), a]));
  return drillListRows(rows).map((row) => {
    const customer = Number(row[customerMember]);
    const found = byCustomer.get(customer);
    const values: Partial<Record<DrillColumnId, unknown>> = {};
    for (const c of columns) {
      const attribute = (BASE_COLUMNS as readonly string[]).includes(c.id) ? `customer_insights.${ATTRIBUTES.customer_insights[c.id as (typeof BASE_COLUMNS)[number]]}` : null;
      const value = found && attribute ? found[attribute] : row[c.member];
      values[c.id] = c.format === 'flag' ? Number(value ?? 0) > 0 : value;
    }
    return { customer, values };
  });
}
