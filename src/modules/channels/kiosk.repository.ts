import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { KioskRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export function insertKiosk(
  trx: Trx,
  kiosk: { storeId: string; name: string; keyHash: string; registeredBy: string | null },
): Promise<KioskRow> {
  return trx
    .insertInto('kiosk')
    .values({ store_id: kiosk.storeId, name: kiosk.name, key_hash: kiosk.keyHash, registered_by: kiosk.registeredBy })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function findActiveKioskByKeyHash(db: Db, keyHash: string): Promise<KioskRow | undefined> {
  return db
    .selectFrom('kiosk')
    .selectAll()
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
}

export function findKiosksByIds(db: Db, ids: readonly string[]): Promise<KioskRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('kiosk').selectAll().where('id', 'in', ids).execute()
}

export function findKiosksOfStore(db: Db, storeId: string): Promise<KioskRow[]> {
  return db.selectFrom('kiosk').selectAll().where('store_id', '=', storeId).orderBy('created_at').execute()
}

export function revokeKiosk(trx: Trx, kioskId: string): Promise<KioskRow | undefined> {
  return trx
    .updateTable('kiosk')
    .set({ revoked_at: sql`coalesce(revoked_at, now())` })
    .where('id', '=', kioskId)
    .returningAll()
    .executeTakeFirst()
}
