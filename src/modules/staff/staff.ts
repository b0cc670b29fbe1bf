import type { StaffRole, StaffRow } from '../../db/database.js'
import {
  InvalidStaffStoresError,
  OutsideYourStoresError,
  RoleNotAllowedError,
  SelfDeactivationError,
} from './staff.errors.js'

/** At most this many stores per member: beyond, an admin role says it better. */
export const MAX_STAFF_STORES = 50

/** Who is changing staff: a signed-in admin or manager, with their stores as they are now. */
export interface StaffManager {
  staffId: string
  role: StaffRole
  storeIds: readonly string[]
}

/** A member as the rules see them: their role and stores. */
export interface StaffAssignment {
  role: StaffRole
  storeIds: readonly string[]
}

export type StaffMember = StaffRow & { storeIds: string[] }

/** The stores without repeats, in the order given; refused when they do not fit the role. */
export function checkedAssignment(role: StaffRole, storeIds: readonly string[]): StaffAssignment {
  const unique = [...new Set(storeIds)]
  if (role === 'ADMIN' && unique.length > 0) {
    throw new InvalidStaffStoresError('An admin acts on every store and belongs to none: give no storeIds.')
  }
  if (role !== 'ADMIN' && unique.length === 0) throw new InvalidStaffStoresError('Give at least one store.')
  if (unique.length > MAX_STAFF_STORES) {
    throw new InvalidStaffStoresError(`Give at most ${MAX_STAFF_STORES} stores, or make the member an admin.`)
  }
  return { role, storeIds: unique }
}

/**
 * Whether `manager` may give a member this role and these stores. An admin may give anything;
 * a manager only the ASSOCIATE role, and only stores they manage themselves.
 */
export function assertMayAssign(manager: StaffManager, wanted: StaffAssignment): void {
  if (manager.role === 'ADMIN') return
  if (manager.role !== 'MANAGER' || wanted.role !== 'ASSOCIATE') throw new RoleNotAllowedError('role')
  if (!wanted.storeIds.every((storeId) => manager.storeIds.includes(storeId))) {
    throw new OutsideYourStoresError('storeIds')
  }
}

/**
 * Whether `manager` may change this member at all. An admin may change anyone; a manager only an
 * associate whose every store is one of theirs, so that no other store's manager is overruled.
 */
export function assertMayChange(manager: StaffManager, member: StaffAssignment): void {
  if (manager.role === 'ADMIN') return
  if (manager.role !== 'MANAGER' || member.role !== 'ASSOCIATE') throw new RoleNotAllowedError('staffId')
  if (!member.storeIds.every((storeId) => manager.storeIds.includes(storeId))) {
    throw new OutsideYourStoresError('staffId')
  }
}

/** Nobody locks themselves out: another admin deactivates an admin. */
export function assertMayDeactivate(manager: StaffManager, member: StaffRow & StaffAssignment): void {
  if (member.id === manager.staffId) throw new SelfDeactivationError()
  assertMayChange(manager, member)
}

/** The member as the audit log shows them: never the password hash. */
export function auditViewOf(member: StaffMember): Record<string, unknown> {
  return {
    email: member.email,
    name: member.name,
    role: member.role,
    storeIds: member.storeIds,
    active: member.active,
  }
}
