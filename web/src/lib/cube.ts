/**
 * The Cube REST client, pointed at the app server's proxy. The session cookie
 * authenticates; the server mints Cube's token itself and ignores this one.
 */
import cube, { type Query } from '@cubejs-client/core';

export const cubeApi = cube('session-cookie', {
  apiUrl: '/cubejs-api/v1',
  credentials: 'same-origin',
  method: 'POST',
});

/** The business time zone every page passes in its queries. */
export const BUSINESS_TIME_ZONE = 'Asia/Shanghai';

export function withTimeZone(query: Query): Query {
  return { timezone: BUSINESS_TIME_ZONE, ...query };
}

export type { Query };
