import type { Db } from '../../db/create-db.js'
import type { StaffRole } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import { type AuditAuthor, recordAudit } from '../audit/audit.service.js'
import { InvalidEmailError } from '../customers/customer.errors.js'
import { isValidEmail, normaliseEmail } from '../customers/customer.service.js'
import { endSessionsOfStaff } from '../sessions/session.service.js'
import { findStoresByIds } from '../stores/store.service.js'
import { LastAdminError, StaffEmailTakenError, UnknownStaffError, UnknownStaffStoreError } from './staff.errors.js'
import {
  assertMayAssign,
  assertMayChange,
  assertMayDeactivate,
  auditViewOf,
  checkedAssignment,
  type StaffManager,
  type StaffMember,
} from './staff.js'
import * as staffRepository from './staff.repository.js'
import { issuePasswordLink } from './staff-password.service.js'
import * as tokenRepository from './staff-password-token.repository.js'

export interface StaffChangeDeps {
  db: Db
  /** Who acts, with their role and stores as this request read them. */
  manager: StaffManager
  author: AuditAuthor
  now: Date
}

/**
 * Creates a member with no password, their stores, the invite link and its mail, and the audit
 * entry, in one transaction: the mail goes out after the commit, and until its link is used
 * nobody can sign in as the member.
 */
export async function createStaff(
  deps: StaffChangeDeps,
  input: { email: string; name: string; role: StaffRole; storeIds: readonly string[] },
): Promise<StaffMember> {
  const email = normaliseEmail(input.email)
  if (!isValidEmail(email)) throw new InvalidEmailError()
  const wanted = checkedAssignment(input.role, input.storeIds)
  assertMayAssign(deps.manager, wanted)
  await assertStoresExist(deps.db, wanted.storeIds)
  return inTransaction(deps.db, async (trx) => {
    const row = await staffRepository.insertStaff(trx, { email, name: input.name, role: wanted.role })
    if (!row) throw new StaffEmailTakenError()
    await staffRepository.replaceStoresOfStaff(trx, row.id, wanted.storeIds)
    const member = { ...row, storeIds: [...wanted.storeIds] }
    await issuePasswordLink(trx, member, 'INVITE', deps.now)
    await recordAudit(trx, deps.author, auditEntry(member, 'CREATE', null))
    return member
  })
}

/**
 * Renames a member, or gives them another role or other stores; the change holds from their
 * next request. Under the member's lock, and the admins' when an admin would stop being one.
 */
export async function updateStaff(
  deps: StaffChangeDeps,
  input: { staffId: string; name?: string; role?: StaffRole; storeIds?: readonly string[] },
): Promise<StaffMember> {
  return inTransaction(deps.db, async (trx) => {
    const locked = await lockedMember(trx, input.staffId)
    const before = locked.member
    assertMayChange(deps.manager, before)
    const role = input.role ?? before.role
    // A new role with no stores given keeps the stores, unless it is ADMIN, which has none.
    const storeIds = input.storeIds ?? (role === 'ADMIN' ? [] : before.storeIds)
    const wanted = checkedAssignment(role, storeIds)
    assertMayAssign(deps.manager, wanted)
    await assertStoresExist(trx, wanted.storeIds)
    if (before.role === 'ADMIN' && wanted.role !== 'ADMIN' && before.active) await assertAnotherAdmin(trx, locked)
    const row = await staffRepository.updateStaff(trx, before.id, { name: input.name, role: wanted.role })
    await staffRepository.replaceStoresOfStaff(trx, before.id, wanted.storeIds)
    const after = { ...row, storeIds: [...wanted.storeIds] }
    await recordAudit(trx, deps.author, auditEntry(after, 'UPDATE', before))
    return after
  })
}

/**
 * Deactivates a member: refused from their next request on, their sessions ended (so their open
 * subscriptions end at the next check) and their open password links spent. Deactivating an
 * inactive member changes nothing.
 */
export async function deactivateStaff(deps: StaffChangeDeps, staffId: string): Promise<StaffMember> {
  return inTransaction(deps.db, async (trx) => {
    const locked = await lockedMember(trx, staffId)
    const before = locked.member
    assertMayDeactivate(deps.manager, before)
    if (!before.active) return before
    if (before.role === 'ADMIN') await assertAnotherAdmin(trx, locked)
    const row = await staffRepository.updateStaff(trx, before.id, { active: false })
    await endSessionsOfStaff(trx, before.id)
    await tokenRepository.spendPasswordTokensOfStaff(trx, before.id, deps.now)
    const after = { ...row, storeIds: before.storeIds }
    await recordAudit(trx, deps.author, auditEntry(after, 'DEACTIVATE', before))
    return after
  })
}

interface LockedMember {
  member: StaffMember
  /** The active admins, locked, when the member was one: who would be left to count. */
  admins: string[] | null
}

/**
 * The member under lock. An admin's fellow admins are locked first, all in one order, so two
 * admins changing each other at once queue instead of deadlocking, and the second then counts
 * the admins the first left.
 */
async function lockedMember(trx: Trx, staffId: string): Promise<LockedMember> {
  const [seen] = await staffRepository.findStaffByIds(trx, [staffId])
  const admins = seen?.role === 'ADMIN' ? await staffRepository.lockActiveAdmins(trx) : null
  const row = await staffRepository.lockStaff(trx, staffId)
  if (!row) throw new UnknownStaffError()
  const stores = await staffRepository.findStoresOfStaff(trx, [staffId])
  return { member: { ...row, storeIds: stores.map((store) => store.store_id) }, admins }
}

/** Someone other than `leaving` must stay an active admin. */
async function assertAnotherAdmin(trx: Trx, locked: LockedMember): Promise<void> {
  // Made an admin between the first read and the lock: the admins are locked now, later than ideal.
  const admins = locked.admins ?? (await staffRepository.lockActiveAdmins(trx))
  if (!admins.some((id) => id !== locked.member.id)) throw new LastAdminError()
}

async function assertStoresExist(db: Db, storeIds: readonly string[]): Promise<void> {
  if (storeIds.length === 0) return
  const found = new Set((await findStoresByIds(db, storeIds)).map((store) => store.id))
  const missing = storeIds.findIndex((storeId) => !found.has(storeId))
  if (missing >= 0) throw new UnknownStaffStoreError(missing)
}

function auditEntry(after: StaffMember, action: string, before: StaffMember | null) {
  return {
    entity: 'staff',
    entityId: after.id,
    action,
    before: before ? auditViewOf(before) : null,
    after: auditViewOf(after),
  }
}
