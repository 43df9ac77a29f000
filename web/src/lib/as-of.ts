import { useCubeQuery } from './use-cube-query.ts';

/** The as-of date (YYYY-MM-DD) that "today" means for the data. */
export function useAsOf(): { asOf: string | null; isLoading: boolean; error: Error | null } {
  const { resultSet, isLoading, error } = useCubeQuery({ dimensions: ['business_calendar.as_of'] });
  const raw = resultSet?.rawData()[0]?.['business_calendar.as_of'];
  return { asOf: typeof raw === 'string' ? raw.slice(0, 10) : null, isLoading, error };
}
