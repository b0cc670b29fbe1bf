import type { Db } from '../../db/create-db.js'
import type { StaffPasswordTokenPurpose, StaffPasswordTokenRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export async function insertPasswordToken(
  trx: Trx,
  token: { staffId: string; purpose: StaffPasswordTokenPurpose; secretHash: string; expiresAt: Date },
): Promise<string> {
  const row = await trx
    .insertInto('staff_password_token')
    .values({
      staff_id: token.staffId,
      purpose: token.purpose,
      secret_hash: token.secretHash,
      expires_at: token.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export function findPasswordToken(db: Db | Trx, tokenId: string): Promise<StaffPasswordTokenRow | undefined> {
  return db.selectFrom('staff_password_token').selectAll().where('id', '=', tokenId).executeTakeFirst()
}

/** The token, locked: of two requests spending one link at once, the second sees it used. */
export function lockPasswordToken(trx: Trx, tokenId: string): Promise<StaffPasswordTokenRow | undefined> {
  return trx.selectFrom('staff_password_token').selectAll().where('id', '=', tokenId).forUpdate().executeTakeFirst()
}

/** Every link of the member still open is spent: a new password, or a deactivation, closes them all. */
export async function spendPasswordTokensOfStaff(trx: Trx, staffId: string, now: Date): Promise<void> {
  await trx
    .updateTable('staff_password_token')
    .set({ used_at: now })
    .where('staff_id', '=', staffId)
    .where('used_at', 'is', null)
    .execute()
}
