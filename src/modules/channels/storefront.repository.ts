import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { StorefrontRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export function insertStorefront(
  trx: Trx,
  storefront: { name: string; channel: 'WEB' | 'APP'; keyHash: string; createdBy: string | null },
): Promise<StorefrontRow> {
  return trx
    .insertInto('storefront')
    .values({
      name: storefront.name,
      channel: storefront.channel,
      key_hash: storefront.keyHash,
      created_by: storefront.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function findActiveStorefrontByKeyHash(db: Db, keyHash: string): Promise<StorefrontRow | undefined> {
  return db
    .selectFrom('storefront')
    .selectAll()
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
}

export function findStorefrontsByIds(db: Db, ids: readonly string[]): Promise<StorefrontRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('storefront').selectAll().where('id', 'in', ids).execute()
}

export function findAllStorefronts(db: Db): Promise<StorefrontRow[]> {
  return db.selectFrom('storefront').selectAll().orderBy('created_at').orderBy('id').execute()
}

export function revokeStorefront(trx: Trx, storefrontId: string): Promise<StorefrontRow | undefined> {
  return trx
    .updateTable('storefront')
    .set({ revoked_at: sql`coalesce(revoked_at, now())` })
    .where('id', '=', storefrontId)
    .returningAll()
    .executeTakeFirst()
}
