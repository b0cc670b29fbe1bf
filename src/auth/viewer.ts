import type { StaffRole } from '../db/database.js'

/** Who is calling. Resolved once per request from the Authorization header. */
export type Viewer =
  | { kind: 'anonymous' }
  | { kind: 'staff'; staffId: string; role: StaffRole; storeId: string | null }
  | { kind: 'customer'; customerId: string }

export type SignedInViewer = Exclude<Viewer, { kind: 'anonymous' }>

export const anonymous: Viewer = { kind: 'anonymous' }

/** Admins act on every store; everyone else only on the store they belong to. */
export function canActOnStore(viewer: Viewer, storeId: string): boolean {
  if (viewer.kind !== 'staff') return false
  return viewer.role === 'ADMIN' || viewer.storeId === storeId
}

export function customerIdOf(viewer: Viewer): string | null {
  return viewer.kind === 'customer' ? viewer.customerId : null
}
