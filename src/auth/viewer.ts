import type { StaffRole } from '../db/database.js'

/** Who is calling. Resolved once per request from the Authorization header. */
export type Viewer =
  | { kind: 'anonymous' }
  | { kind: 'staff'; staffId: string; role: StaffRole; storeId: string | null }
  | { kind: 'customer'; customerId: string }
  | { kind: 'terminal'; terminalId: string; storeId: string; readerId: string | null }

export const anonymous: Viewer = { kind: 'anonymous' }

/** Admins act on every store; everyone else only on the store they belong to. */
export function canActOnStore(viewer: Viewer, storeId: string): boolean {
  if (viewer.kind === 'terminal') return viewer.storeId === storeId
  if (viewer.kind !== 'staff') return false
  return viewer.role === 'ADMIN' || viewer.storeId === storeId
}

/** The store a staff member or terminal belongs to; null for admins, customers and anonymous callers. */
export function storeOfViewer(viewer: Viewer): string | null {
  if (viewer.kind === 'terminal') return viewer.storeId
  return viewer.kind === 'staff' ? viewer.storeId : null
}
