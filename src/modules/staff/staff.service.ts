import { decoyPasswordHash, verifyPassword } from '../../auth/password.js'
import type { Db } from '../../db/create-db.js'
import type { StaffRow } from '../../db/database.js'
import { InvalidCredentialsError } from './staff.errors.js'
import * as staffRepository from './staff.repository.js'

/**
 * The active staff member with this email and password. Unknown emails still pay for a hash
 * check, so timing does not tell which emails exist.
 */
export async function authenticateStaff(db: Db, email: string, password: string): Promise<StaffRow> {
  const staff = await staffRepository.findStaffByEmail(db, email.trim())
  const matches = await verifyPassword(password, staff?.password_hash ?? (await decoyPasswordHash()))
  if (!staff || !matches || !staff.active) throw new InvalidCredentialsError()
  return staff
}
