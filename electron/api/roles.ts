// Roles and their order. Pure: shared by the contract, dispatch and the renderer.
export const ROLES = ['cashier', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
/** 'public' calls need no login (status, login itself). */
export type RequiredRole = Role | 'public';

const RANK: Record<Role, number> = { cashier: 1, supervisor: 2, admin: 3 };

/** A supervisor may do what a cashier may; an admin what a supervisor may. */
export function roleAllows(have: Role, need: RequiredRole): boolean {
  return need === 'public' || RANK[have] >= RANK[need];
}
