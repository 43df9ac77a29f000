/**
 * The segments page's default journey counted ahead of its first viewer: from
 * DEFAULT_SPAN_DAYS before as-of to as-of, every family. The first count of a
 * start day builds that day's classification (at 1M about a minute), then the
 * pair is kept and followed by triggers (migration 047), so without this the
 * first person to open /segments after a seed, an import or an as-of move
 * waited for that build (docs/performance.md, "The default journey counted
 * ahead"). Called at the seed's end (timed with the classification, outside
 * its rows per second) and in the background when the product starts.
 */
import type { Sql } from 'postgres';
import { DEFAULT_SPAN_DAYS } from '../../web/src/features/segments/journey-flows/build-query.ts';

/** Counts the default pair (a no-op read when it is kept and valid). */
export async function countDefaultJourney(sql: Sql): Promise<void> {
  await sql`SELECT count(*) FROM siyu.journey_flow_counts(siyu.as_of() - ${DEFAULT_SPAN_DAYS}::int, siyu.as_of())`;
}
