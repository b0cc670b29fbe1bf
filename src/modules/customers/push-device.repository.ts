import type { Selectable } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { CustomerPushDeviceTable, PushPlatform } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export type PushDeviceRow = Selectable<CustomerPushDeviceTable>

/** Who holds this token now, its row locked until the transaction ends; null when nobody does. */
export async function lockPushToken(trx: Trx, token: string): Promise<string | null> {
  const row = await trx
    .selectFrom('customer_push_device')
    .select('customer_id')
    .where('token', '=', token)
    .forUpdate()
    .executeTakeFirst()
  return row?.customer_id ?? null
}

/**
 * Registers an install's token for a customer: a token already known moves to this customer (the
 * install's last sign-in wins) and its registration time is renewed.
 */
export function upsertPushDevice(
  trx: Trx,
  device: { customerId: string; platform: PushPlatform; token: string; storefrontId: string | null; now: Date },
): Promise<PushDeviceRow> {
  return trx
    .insertInto('customer_push_device')
    .values({
      customer_id: device.customerId,
      platform: device.platform,
      token: device.token,
      storefront_id: device.storefrontId,
      registered_at: device.now,
    })
    .onConflict((oc) =>
      oc.column('token').doUpdateSet({
        customer_id: device.customerId,
        platform: device.platform,
        storefront_id: device.storefrontId,
        registered_at: device.now,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Keeps a customer's `keep` most recently registered installs and deletes the rest; answers how many went. */
export async function deleteOldestPushDevices(trx: Trx, customerId: string, keep: number): Promise<number> {
  const kept = trx
    .selectFrom('customer_push_device')
    .select('id')
    .where('customer_id', '=', customerId)
    .orderBy('registered_at', 'desc')
    .orderBy('id', 'desc')
    .limit(keep)
  const result = await trx
    .deleteFrom('customer_push_device')
    .where('customer_id', '=', customerId)
    .where('id', 'not in', kept)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Answers whether the customer had this token. */
export async function deletePushDevice(trx: Trx, customerId: string, token: string): Promise<boolean> {
  const result = await trx
    .deleteFrom('customer_push_device')
    .where('customer_id', '=', customerId)
    .where('token', '=', token)
    .executeTakeFirst()
  return result.numDeletedRows > 0n
}

/** Deletes these tokens' installs, whoever holds them now; answers how many went. */
export async function deletePushDevicesByToken(db: Db, tokens: readonly string[]): Promise<number> {
  if (tokens.length === 0) return 0
  const result = await db.deleteFrom('customer_push_device').where('token', 'in', tokens).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** The customers' installs, most recently registered first. */
export function findPushDevicesOfCustomers(db: Db, customerIds: readonly string[]): Promise<PushDeviceRow[]> {
  if (customerIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('customer_push_device')
    .selectAll()
    .where('customer_id', 'in', customerIds)
    .orderBy('registered_at', 'desc')
    .orderBy('id', 'desc')
    .execute()
}
