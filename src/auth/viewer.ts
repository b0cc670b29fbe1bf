import type { StaffRole } from '../db/database.js'

/** Who is calling. Resolved once per request from the Authorization header. */
export type Viewer =
  | { kind: 'anonymous' }
  /** storeIds: the stores the member works in, as they are now; empty for admins. */
  | { kind: 'staff'; staffId: string; role: StaffRole; storeIds: readonly string[] }
  | { kind: 'customer'; customerId: string }
  | { kind: 'terminal'; terminalId: string; storeId: string; readerId: string | null }

export const anonymous: Viewer = { kind: 'anonymous' }

/** Admins act on every store; everyone else only on the stores they belong to. */
export function canActOnStore(viewer: Viewer, storeId: string): boolean {
  if (viewer.kind === 'terminal') return viewer.storeId === storeId
  if (viewer.kind !== 'staff') return false
  return viewer.role === 'ADMIN' || viewer.storeIds.includes(storeId)
}

/** Admins manage every store; a manager only the stores they belong to; associates none. */
export function canManageStore(viewer: Viewer, storeId: string): boolean {
  if (viewer.kind !== 'staff') return false
  return viewer.role === 'ADMIN' || (viewer.role === 'MANAGER' && viewer.storeIds.includes(storeId))
}

/**
 * The store a caller acts in when they do not name one: a terminal's, or that of a member of
 * exactly one store. Null for admins, members of several stores, customers and anonymous callers.
 */
export function storeOfViewer(viewer: Viewer): string | null {
  if (viewer.kind === 'terminal') return viewer.storeId
  return viewer.kind === 'staff' && viewer.storeIds.length === 1 ? (viewer.storeIds[0] ?? null) : null
}
