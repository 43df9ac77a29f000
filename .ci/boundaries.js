// Which room (folder) may not import which. One list, read by ESLint
// (eslint.config.js: no-restricted-imports per room, `npm run lint`) and by
// the import graph (.ci/import-graph.ts --check, run by
// test/ci/boundaries.test.ts), so the rule and its check cannot drift apart.
// A file belongs to the room with the longest matching prefix; each room
// lists everything it may not import (a more specific room does not inherit
// its parent's list). docs/architecture.md explains the rooms.

const SERVER = ['cube/', 'seed/'];
const ENTRY = 'cube/main/';

/** @typedef {{ room: string; forbid: string[]; why: string }} Boundary */

/** @type {Boundary[]} */
export const boundaries = [
  { room: 'cube/', forbid: [ENTRY], why: 'server libraries never import the composition root (cube/main)' },
  { room: 'cube/main/', forbid: [], why: 'the composition root wires everything' },
  {
    room: 'seed/',
    forbid: [ENTRY, 'cube/gateway/', 'cube/engine/'],
    why: 'the seed writes PostgreSQL only: no composition root, no app server, no Cube',
  },
  { room: 'web/', forbid: SERVER, why: 'the browser app never imports server code' },
  {
    room: 'web/src/components/',
    forbid: [...SERVER, 'web/src/features/'],
    why: 'shared components never import a page (features) nor server code',
  },
  {
    room: 'web/src/lib/',
    forbid: [...SERVER, 'web/src/features/'],
    why: 'shared web code never imports a page (features) nor server code',
  },
];

/**
 * The room of a repository-relative path, or undefined outside every room.
 * @param {string} file
 * @returns {Boundary | undefined}
 */
export function roomOf(file) {
  /** @type {Boundary | undefined} */
  let best;
  for (const b of boundaries) if (file.startsWith(b.room) && (!best || b.room.length > best.room.length)) best = b;
  return best;
}

/**
 * ESLint sees an import as written, not resolved: a regular expression for
 * the relative specifiers by which a file anywhere under `room` reaches
 * `target` (`../main/x.ts` from cube/gateway, `../../../cube/x.ts` from
 * web/src/lib). It may also match a path that does not exist; the import
 * graph's check resolves paths and is exact.
 * @param {string} room
 * @param {string} target
 */
export function specifierPattern(room, target) {
  const roomParts = room.split('/').filter(Boolean);
  const targetParts = target.split('/').filter(Boolean);
  let common = 0;
  while (common < roomParts.length && common < targetParts.length && roomParts[common] === targetParts[common]) common++;
  const escape = (/** @type {string[]} */ parts) => parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('/');
  const shared = common > 0 ? `(?:${escape(targetParts.slice(0, common))}/)?` : '';
  return `^\\.{1,2}/(?:\\.\\./)*${shared}${escape(targetParts.slice(common))}(?:/|$)`;
}
