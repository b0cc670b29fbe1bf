import { decoyPasswordHash, verifyPassword } from '../../auth/password.js'
import { InvalidCredentialsError } from '../../auth/sign-in.errors.js'
import type { Db } from '../../db/create-db.js'
import type { StaffRow } from '../../db/database.js'
import type { ClientAttempts } from '../../limits/attempt-limits.js'
import * as staffRepository from './staff.repository.js'

export function findStaffByIds(db: Db, ids: readonly string[]): Promise<StaffRow[]> {
  return staffRepository.findStaffByIds(db, ids)
}

/** Each member's store ids, in store code order, for a batch of members. */
export async function findStoreIdsOfStaff(db: Db, staffIds: readonly string[]): Promise<string[][]> {
  const rows = await staffRepository.findStoresOfStaff(db, staffIds)
  return staffIds.map((staffId) => rows.filter((row) => row.staff_id === staffId).map((row) => row.store_id))
}

/**
 * The active staff member with this email and password. The attempt is counted before the
 * password is checked (see attempt-limits.ts), so parallel guesses cannot outrun the limit.
 * Unknown emails, and invited members who have not set a password yet, still pay for a hash
 * check, so timing does not tell which emails exist.
 */
export async function authenticateStaff(
  db: Db,
  email: string,
  password: string,
  attempts: ClientAttempts,
): Promise<StaffRow> {
  const attempt = await attempts.signIn('staff', email)
  const staff = await staffRepository.findStaffByEmail(db, email.trim())
  const matches = await verifyPassword(password, staff?.password_hash ?? (await decoyPasswordHash()))
  if (!staff || !matches || !staff.active) throw new InvalidCredentialsError()
  await attempt.succeeded()
  return staff
}
