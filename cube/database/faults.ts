/**
 * PostgreSQL unreachable or going away, from the error text either client
 * gives: postgres.js in the app server (its codes, e.g. CONNECT_TIMEOUT,
 * CONNECTION_CLOSED) or node-postgres inside Cube (its messages, e.g.
 * "Connection terminated"), and PostgreSQL's own while it starts or stops.
 * The app server answers these with a 503 in its own words, never the
 * address. One list, so both paths call the same faults a database outage.
 */
const DATABASE_DOWN = new RegExp([
  // socket and DNS errors
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND',
  // postgres.js
  'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED',
  // node-postgres (Cube's driver) and its pool
  'Connection terminated', 'connection timeout', 'Client has encountered a connection error', 'timeout exceeded when trying to connect',
  // PostgreSQL: "terminating connection due to administrator command", "the database system is starting up / shutting down"
  'terminating connection', 'the database system is (starting up|shutting down|in recovery mode)',
].join('|'), 'i');

/** Whether an error's code and message say the database is not reachable. */
export function isDatabaseDown(text: string): boolean {
  return DATABASE_DOWN.test(text);
}
