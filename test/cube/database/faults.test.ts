import { describe, expect, it } from 'vitest';
import { isDatabaseDown } from '../../../cube/database/faults.ts';

const DOWN: Record<string, string[]> = {
  'as the app server sees it (postgres.js code + message)': [
    'ECONNREFUSED connect ECONNREFUSED 127.0.0.1:54329',
    'CONNECT_TIMEOUT write CONNECT_TIMEOUT 127.0.0.1:54329',
    'CONNECTION_CLOSED write CONNECTION_CLOSED 127.0.0.1:54329',
    '57P01 terminating connection due to administrator command',
  ],
  'as Cube reports it (node-postgres messages)': [
    'Error: Connection terminated unexpectedly',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error and is not queryable',
    'getaddrinfo ENOTFOUND db.internal',
  ],
  // cube-proxy.ts's own copy missed "starting up" before there was one list.
  'PostgreSQL starting or stopping, on either path': [
    '57P03 the database system is starting up',
    'the database system is shutting down',
    'the database system is in recovery mode',
  ],
};

const NOT_DOWN = [
  'canceling statement due to statement timeout',
  'invalid input syntax for type numeric: "abc"',
  '23505 duplicate key value violates unique constraint',
  'Cannot read properties of undefined',
];

describe('isDatabaseDown', () => {
  for (const [what, messages] of Object.entries(DOWN)) {
    it(`knows an outage ${what}`, () => {
      expect(messages.filter((m) => !isDatabaseDown(m))).toEqual([]);
    });
  }

  it('leaves other errors alone', () => {
    expect(NOT_DOWN.filter(isDatabaseDown)).toEqual([]);
  });
});
