/**
 * The Cube REST client, pointed at the app server's proxy. The session cookie
 * authenticates; the server mints Cube's token itself and ignores this one.
 * Queries carry no time zone: the server applies the business zone to each.
 */
import cube, { type Query } from '@cubejs-client/core';

export const cubeApi = cube('session-cookie', {
  apiUrl: '/cubejs-api/v1',
  credentials: 'same-origin',
  method: 'POST',
});

export type { Query };
