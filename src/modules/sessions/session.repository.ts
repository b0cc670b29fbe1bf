import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { StaffRole } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export function insertSession(trx: Trx, owner: { staffId: string | null; customerId: string | null }) {
  return trx
    .insertInto('auth_session')
    .values({ staff_id: owner.staffId, customer_id: owner.customerId })
    .returning(['id'])
    .executeTakeFirstOrThrow()
}

export async function insertRefreshToken(trx: Trx, token: { sessionId: string; hash: string; expiresAt: Date }) {
  await trx
    .insertInto('refresh_token')
    .values({ session_id: token.sessionId, token_hash: token.hash, expires_at: token.expiresAt })
    .execute()
}

/**
 * Marks the refresh token spent if it is live, in one conditional statement: of two requests
 * presenting the same token at once, exactly one gets its session back.
 */
export function spendRefreshToken(trx: Trx, hash: string) {
  return trx
    .updateTable('refresh_token')
    .set({ used_at: sql`now()` })
    .where('token_hash', '=', hash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['session_id'])
    .executeTakeFirst()
}

export function findRefreshToken(db: Db | Trx, hash: string) {
  return db
    .selectFrom('refresh_token')
    .innerJoin('auth_session', 'auth_session.id', 'refresh_token.session_id')
    .select([
      'refresh_token.session_id',
      'refresh_token.used_at',
      'auth_session.staff_id',
      'auth_session.customer_id',
      'auth_session.revoked_at',
    ])
    .where('refresh_token.token_hash', '=', hash)
    .executeTakeFirst()
}

export async function revokeSession(db: Db | Trx, sessionId: string): Promise<void> {
  await db
    .updateTable('auth_session')
    .set({ revoked_at: sql`coalesce(revoked_at, now())` })
    .where('id', '=', sessionId)
    .execute()
}

/** Signs the customer out everywhere: every session they hold, whatever device it is on. */
export async function revokeSessionsOfCustomer(trx: Trx, customerId: string): Promise<void> {
  await trx
    .updateTable('auth_session')
    .set({ revoked_at: sql`coalesce(revoked_at, now())` })
    .where('customer_id', '=', customerId)
    .execute()
}

/** The staff member of a live session, while active, with their current role and stores. */
export function findLiveStaffOfSession(
  db: Db | Trx,
  sessionId: string,
  staffId?: string,
): Promise<{ staff_id: string; role: StaffRole; store_ids: string[] } | undefined> {
  let query = db
    .selectFrom('auth_session')
    .innerJoin('staff', 'staff.id', 'auth_session.staff_id')
    .select(['staff.id as staff_id', 'staff.role'])
    .select(
      sql<string[]>`(SELECT coalesce(jsonb_agg(m.store_id ORDER BY m.store_id), '[]'::jsonb)
        FROM staff_store AS m WHERE m.staff_id = staff.id)`.as('store_ids'),
    )
    .where('auth_session.id', '=', sessionId)
    .where('auth_session.revoked_at', 'is', null)
    .where('staff.active', '=', true)
  if (staffId) query = query.where('auth_session.staff_id', '=', staffId)
  return query.executeTakeFirst()
}

/** Signs the member out everywhere but `keptSessionId` (their own password change keeps the caller in). */
export async function revokeSessionsOfStaff(trx: Trx, staffId: string, keptSessionId: string | null): Promise<void> {
  let query = trx
    .updateTable('auth_session')
    .set({ revoked_at: sql`coalesce(revoked_at, now())` })
    .where('staff_id', '=', staffId)
  if (keptSessionId) query = query.where('id', '<>', keptSessionId)
  await query.execute()
}

/** The customer of a live session. */
export function findLiveCustomerOfSession(
  db: Db | Trx,
  sessionId: string,
  customerId?: string,
): Promise<{ customer_id: string } | undefined> {
  let query = db
    .selectFrom('auth_session')
    .select(sql<string>`customer_id`.as('customer_id'))
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .where('customer_id', 'is not', null)
  if (customerId) query = query.where('customer_id', '=', customerId)
  return query.executeTakeFirst()
}

export async function deleteExpiredRefreshTokens(trx: Trx, expiredBefore: Date, limit: number): Promise<number> {
  const result = await trx
    .deleteFrom('refresh_token')
    .where('token_hash', 'in', (eb) =>
      eb
        .selectFrom('refresh_token')
        .select('token_hash')
        .where('expires_at', '<', expiredBefore)
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Sessions revoked before `endedBefore`, or opened before it and left without any refresh token. */
export async function deleteEndedSessions(trx: Trx, endedBefore: Date, limit: number): Promise<number> {
  const result = await trx
    .deleteFrom('auth_session')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('auth_session as s')
        .select('s.id')
        .where((w) =>
          w.or([
            w('s.revoked_at', '<', endedBefore),
            w.and([
              w('s.created_at', '<', endedBefore),
              w.not(
                w.exists(
                  w.selectFrom('refresh_token as t').select('t.token_hash').whereRef('t.session_id', '=', 's.id'),
                ),
              ),
            ]),
          ]),
        )
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
