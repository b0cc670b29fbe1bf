import { decoyPasswordHash, verifyPassword } from '../../auth/password.js'
import { InvalidCredentialsError } from '../../auth/sign-in.errors.js'
import { assertSignInAllowed, clearSignInFailures, recordSignInFailure } from '../../auth/sign-in-throttle.js'
import type { Db } from '../../db/create-db.js'
import type { StaffRow } from '../../db/database.js'
import * as staffRepository from './staff.repository.js'

/**
 * The active staff member with this email and password. Unknown emails still pay for a hash
 * check, so timing does not tell which emails exist; repeated failures lock the email a while.
 */
export async function authenticateStaff(db: Db, email: string, password: string, now: Date): Promise<StaffRow> {
  await assertSignInAllowed(db, 'staff', email, now)
  const staff = await staffRepository.findStaffByEmail(db, email.trim())
  const matches = await verifyPassword(password, staff?.password_hash ?? (await decoyPasswordHash()))
  if (!staff || !matches || !staff.active) {
    await recordSignInFailure(db, 'staff', email, now)
    throw new InvalidCredentialsError()
  }
  await clearSignInFailures(db, 'staff', email)
  return staff
}
