/**
 * Which pages each role can use: the menu shows only these, and a page the
 * role may not open says so instead of failing on its queries. Mirrors the
 * server's rules (cube/engine/access-rules.ts): the big-screen reads the whole
 * brand's campaign audience and budgets (`participation_audience`,
 * `campaign_budgets`), and the planner allocates the whole brand's spend, both
 * closed to managers and staff.
 */
import type { Me } from './api.ts';
import type { MessageKey } from './i18n.tsx';

export type Role = Me['role'];

export interface PageEntry {
  to: string;
  key: MessageKey;
  roles: readonly Role[];
}

const EVERYONE: readonly Role[] = ['executive', 'operator', 'manager', 'staff', 'admin'];
const WHOLE_BRAND: readonly Role[] = ['executive', 'operator', 'admin'];

/** The menu, in order. */
export const PAGES: readonly PageEntry[] = [
  { to: '/', key: 'nav.overview', roles: EVERYONE },
  { to: '/big-screen', key: 'nav.bigScreen', roles: WHOLE_BRAND },
  { to: '/channels', key: 'nav.channels', roles: EVERYONE },
  { to: '/staff', key: 'nav.staff', roles: EVERYONE },
  { to: '/segments', key: 'nav.segments', roles: EVERYONE },
  { to: '/activities', key: 'nav.activities', roles: EVERYONE },
  { to: '/customers', key: 'nav.customers', roles: EVERYONE },
  { to: '/planner', key: 'nav.planner', roles: WHOLE_BRAND },
  { to: '/actions', key: 'nav.actions', roles: EVERYONE },
  { to: '/targets', key: 'nav.targets', roles: EVERYONE },
  { to: '/glossary', key: 'nav.glossary', roles: EVERYONE },
  { to: '/admin/import', key: 'nav.adminImport', roles: ['admin'] },
];

export function pagesFor(role: Role): PageEntry[] {
  return PAGES.filter((p) => p.roles.includes(role));
}

/** The menu's page at `path` (`/big-screen/` is `/big-screen`), if it is one. */
export function pageAt(path: string): PageEntry | undefined {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return PAGES.find((p) => p.to === clean);
}

/** Whether the role may open the page at `path` (pages outside the menu, such as a customer 360, are open to every role). */
export function mayOpen(role: Role, path: string): boolean {
  const page = pageAt(path);
  return !page || page.roles.includes(role);
}
