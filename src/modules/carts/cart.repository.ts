import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { CartLineRow, CartRow, CartStatus, Channel } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export function findCartsByIds(db: Db, ids: readonly string[]): Promise<CartRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('cart').selectAll().where('id', 'in', ids).execute()
}

export function findActiveCartOfCustomer(db: Db, customerId: string): Promise<CartRow | undefined> {
  return db
    .selectFrom('cart')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('status', '=', 'ACTIVE')
    .executeTakeFirst()
}

export function findActiveCartsOfCustomers(db: Db, customerIds: readonly string[]): Promise<CartRow[]> {
  if (customerIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('cart')
    .selectAll()
    .where('customer_id', 'in', customerIds)
    .where('status', '=', 'ACTIVE')
    .execute()
}

/** Every change to a cart starts here: concurrent changes to one cart queue on this row lock. */
export function lockCart(trx: Trx, cartId: string): Promise<CartRow | undefined> {
  return trx.selectFrom('cart').selectAll().where('id', '=', cartId).forUpdate().executeTakeFirst()
}

export async function updateCart(
  trx: Trx,
  cartId: string,
  changes: Partial<{
    last_channel: Channel
    currency_code: string | null
    pickup_store_id: string | null
    customer_id: string | null
    status: CartStatus
    merged_into_cart_id: string | null
    discount_codes: string[]
  }>,
): Promise<void> {
  await cartUpdate(trx, cartId, changes).execute()
}

function cartUpdate(trx: Trx, cartId: string, changes: Parameters<typeof updateCart>[2]) {
  return trx
    .updateTable('cart')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', cartId)
}

export function findLinesOfCarts(db: Db, cartIds: readonly string[]): Promise<CartLineRow[]> {
  if (cartIds.length === 0) return Promise.resolve([])
  return db.selectFrom('cart_line').selectAll().where('cart_id', 'in', cartIds).orderBy('position').execute()
}

/** A new line is shown at `unitPriceMinor`; a line already there keeps the price it shows. */
export async function upsertLineQuantity(
  trx: Trx,
  cartId: string,
  line: { variantId: string; quantity: number; unitPriceMinor: number },
): Promise<void> {
  const { variantId, quantity } = line
  await trx
    .insertInto('cart_line')
    .values({ cart_id: cartId, variant_id: variantId, quantity, unit_price_minor: line.unitPriceMinor })
    .onConflict((oc) => oc.columns(['cart_id', 'variant_id']).doUpdateSet({ quantity, updated_at: sql`now()` }))
    .execute()
}

export async function insertToken(trx: Trx, cartId: string, tokenHash: string, channel: Channel): Promise<void> {
  await trx.insertInto('cart_token').values({ cart_id: cartId, token_hash: tokenHash, channel }).execute()
}

export function findTokensOfCart(db: Db, cartId: string): Promise<{ token_hash: string; channel: Channel }[]> {
  return db.selectFrom('cart_token').select(['token_hash', 'channel']).where('cart_id', '=', cartId).execute()
}

/** Devices that held the merged cart keep working: their tokens now open the surviving cart. */
export async function moveTokens(trx: Trx, fromCartId: string, toCartId: string): Promise<void> {
  await trx.updateTable('cart_token').set({ cart_id: toCartId }).where('cart_id', '=', fromCartId).execute()
}

/** Claims a live, unused code exactly once, whoever else races for it. */
export function claimHandoff(
  trx: Trx,
  codeHash: string,
  channel: Channel,
  now: Date,
): Promise<{ cart_id: string } | undefined> {
  return trx
    .updateTable('cart_handoff')
    .set({ claimed_at: now, claimed_channel: channel })
    .where('code_hash', '=', codeHash)
    .where('claimed_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('cart_id')
    .executeTakeFirst()
}

export async function insertCartEvent(trx: Trx, event: NewCartEvent): Promise<void> {
  await trx
    .insertInto('cart_event')
    .values({ ...cartEventRow(event), payload: JSON.stringify(event.payload) })
    .execute()
}

/** A cart event as the columns of its row. */
export function cartEventRow(event: NewCartEvent) {
  return {
    cart_id: event.cartId,
    customer_id: event.customerId,
    type: event.type,
    channel: event.channel,
    payload: event.payload,
    device: event.device,
    storefront_id: event.storefrontId,
  }
}

export interface NewCartEvent {
  cartId: string
  customerId: string | null
  type: string
  channel: Channel
  payload: Record<string, unknown>
  /** The device and storefront of the request that made it (channels/request-origin.ts); null for the system. */
  device: string | null
  storefrontId: string | null
}

export interface CartStartRow {
  event_id: string
  cart_id: string
  channel: Channel
  started_at: Date
  store_id: string | null
}

/**
 * When and on which channel carts were started (their `created` journey event, which outlives
 * the cart), with the store chosen so far (none once the cart is deleted).
 */
export function findCartStarts(
  db: Db,
  filter: { cartIds: readonly string[] } | { afterEventId: string; limit: number },
): Promise<CartStartRow[]> {
  let query = db
    .selectFrom('cart_event')
    .leftJoin('cart', 'cart.id', 'cart_event.cart_id')
    .select([
      'cart_event.id as event_id',
      'cart_event.cart_id',
      'cart_event.channel',
      'cart_event.created_at as started_at',
      'cart.pickup_store_id as store_id',
    ])
    .where('cart_event.type', '=', 'created')
  if ('cartIds' in filter) {
    if (filter.cartIds.length === 0) return Promise.resolve([])
    query = query.where('cart_event.cart_id', 'in', filter.cartIds)
  } else {
    query = query.where('cart_event.id', '>', filter.afterEventId).orderBy('cart_event.id').limit(filter.limit)
  }
  return query.execute()
}
