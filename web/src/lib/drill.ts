/**
 * From a number to the customers behind it. Cube 0.33 gives measures reached
 * through a view no drill members, so each kind of number builds its own list
 * query on a view: the same slice members (date, team, channel, campaign,
 * employee) as the number, plus the clicked slice, one row per customer.
 *
 * - count (buyers, new customers, participants, a segment cell): the rows are
 *   the population, and `total` says how many;
 * - sum (GMV, attributed GMV, LTV): each row carries its part, parts add up;
 * - ratio (repurchase, churn, conversion): the rows are the numerator (the
 *   churned, the repeat buyers, the converted) or, switched, the whole
 *   denominator with a flag column marking the numerator;
 * - multi (ROI, CAC): the return side's customers; the spend comes from a
 *   separate query for the header.
 *
 * Everything here is pure: URL parameters in, Cube queries out.
 *
 * The one place the drill lists are defined: the model carries no
 * `drill_members` (nothing in the product asks Cube to drill), and
 * test/model/catalogue.test.ts checks these definitions against the model's
 * views.
 *
 * The parts, in `drill/`: `catalogue.ts` (which view and members each number
 * uses), `url.ts` (URL parameters → slice and page), `columns.ts` (the list's
 * columns per view), `queries.ts` (slice and page → Cube queries), `rows.ts`
 * (rows → one object per customer), `repurchase.ts` (the repurchase list of a preset from stored rows), `ltv.ts`
 * (the LTV list's page by dimensions), `range.ts` (a custom range's sales list from
 * the running amounts), `slice.ts` (what those share: the slice's filters, the
 * sort, the stored rows that answer a list), `attributed.ts` (the attributed GMV
 * and ROI lists from the customer-day table). This module re-exports them all.
 */
export * from './drill/catalogue.ts';
export * from './drill/url.ts';
export * from './drill/columns.ts';
export * from './drill/queries.ts';
export * from './drill/rows.ts';
export * from './drill/repurchase.ts';
export * from './drill/ltv.ts';
export * from './drill/range.ts';
export * from './drill/attributed.ts';
