import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { Locale, StaffRole, StaffRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export function findStaffByEmail(db: Db | Trx, email: string): Promise<StaffRow | undefined> {
  return db.selectFrom('staff').selectAll().where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst()
}

export function findStaffByIds(db: Db | Trx, ids: readonly string[]): Promise<StaffRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('staff').selectAll().where('id', 'in', ids).execute()
}

/** The member's row, locked until the transaction ends: one change to a member at a time. */
export function lockStaff(trx: Trx, staffId: string): Promise<StaffRow | undefined> {
  return trx.selectFrom('staff').selectAll().where('id', '=', staffId).forUpdate().executeTakeFirst()
}

/**
 * The active admins, locked in id order: two admins demoting or deactivating each other at once
 * queue here, and the second sees the first's change before counting who is left.
 */
export async function lockActiveAdmins(trx: Trx): Promise<string[]> {
  const rows = await trx
    .selectFrom('staff')
    .select('id')
    .where('role', '=', 'ADMIN')
    .where('active', '=', true)
    .orderBy('id')
    .forUpdate()
    .execute()
  return rows.map((row) => row.id)
}

/** Inserts the member unless the email is taken (whatever its case); undefined then. */
export function insertStaff(
  trx: Trx,
  member: { email: string; name: string; role: StaffRole },
): Promise<StaffRow | undefined> {
  return trx
    .insertInto('staff')
    .values({ email: member.email, name: member.name, role: member.role, password_hash: null })
    .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
    .returningAll()
    .executeTakeFirst()
}

export function updateStaff(
  trx: Trx,
  staffId: string,
  changes: { name?: string; role?: StaffRole; active?: boolean; passwordHash?: string; locale?: Locale | null },
): Promise<StaffRow> {
  return trx
    .updateTable('staff')
    .set({
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.role === undefined ? {} : { role: changes.role }),
      ...(changes.active === undefined ? {} : { active: changes.active }),
      ...(changes.passwordHash === undefined ? {} : { password_hash: changes.passwordHash }),
      ...(changes.locale === undefined ? {} : { locale: changes.locale }),
    })
    .where('id', '=', staffId)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** The member's stores become exactly these (checked against the role at commit). */
export async function replaceStoresOfStaff(trx: Trx, staffId: string, storeIds: readonly string[]): Promise<void> {
  let removal = trx.deleteFrom('staff_store').where('staff_id', '=', staffId)
  if (storeIds.length > 0) removal = removal.where('store_id', 'not in', storeIds)
  await removal.execute()
  if (storeIds.length === 0) return
  await trx
    .insertInto('staff_store')
    .values(storeIds.map((storeId) => ({ staff_id: staffId, store_id: storeId })))
    .onConflict((oc) => oc.columns(['staff_id', 'store_id']).doNothing())
    .execute()
}

/** Each member's stores, in store code order (the first is the one `Staff.store` shows). */
export function findStoresOfStaff(
  db: Db | Trx,
  staffIds: readonly string[],
): Promise<{ staff_id: string; store_id: string }[]> {
  if (staffIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('staff_store')
    .innerJoin('store', 'store.id', 'staff_store.store_id')
    .select(['staff_store.staff_id', 'staff_store.store_id'])
    .where('staff_store.staff_id', 'in', staffIds)
    .orderBy('store.code')
    .execute()
}
