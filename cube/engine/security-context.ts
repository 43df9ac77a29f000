/** What the app server tells Cube about the person behind a query. */
export type Role = 'executive' | 'operator' | 'manager' | 'staff' | 'admin';

export interface SecurityContext {
  username: string;
  role: Role;
  employeeId: number | null;
  teamId: number | null;
}

export const ROLES: readonly Role[] = ['executive', 'operator', 'manager', 'staff', 'admin'];

export function isSecurityContext(value: unknown): value is SecurityContext {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const idOrNull = (x: unknown): boolean => x === null || (typeof x === 'number' && Number.isInteger(x));
  return typeof v.username === 'string' && ROLES.includes(v.role as Role) && idOrNull(v.employeeId) && idOrNull(v.teamId);
}
