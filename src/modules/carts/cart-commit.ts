import { Transaction } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { CartHoldRow, CartLineRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import { eventRow, type NewOutboxEvent } from '../events/event.service.js'
import type { CartView } from './cart.js'
import * as cartRepository from './cart.repository.js'
import { type CartHolding, syncCartHolds } from './cart-hold-sync.js'
import type { CartWrite, CartWriteState } from './cart-write.repository.js'
import * as cartWriteRepository from './cart-write.repository.js'
import { inCartQueue } from './cart-write-queue.js'

/** A journey event of a cart; its outbox event goes with it (cartOutboxEvent). */
export type CartEvent = cartRepository.NewCartEvent

/**
 * The outbox event that announces a cart event: ids only, subscribers refetch the cart. The
 * storefront lets consumers count per storefront; the device stays in cart_event (it may be an
 * id a shopper's phone chose).
 */
export function cartOutboxEvent(event: CartEvent): NewOutboxEvent {
  return {
    type: `cart.${event.type}`,
    aggregateType: 'cart',
    aggregateId: event.cartId,
    payload: { cartId: event.cartId, channel: event.channel, storefrontId: event.storefrontId },
  }
}

// A write that lost a race is tried again holding the cart's lock, where it cannot lose; a third
// attempt only happens when a new cart met one another device created meanwhile.
const MAX_ATTEMPTS = 3

/**
 * Runs a cart write: first without a lock, read and write being one statement each, the write
 * landing only on the version read; when it does not land (`attempt` answers null), again inside
 * a transaction that locks the cart before reading it. With stock holds to re-take, every attempt
 * runs in a transaction (`trx` is then given), since the holds change stock rows too. Writes with
 * the same `queueKey` (the cart, or the customer whose cart it will be) queue in this process.
 */
export function withCartAttempts<T>(
  db: Db,
  queueKey: string | null,
  holding: CartHolding | undefined,
  attempt: (db: Db, trx: Trx | null) => Promise<T | null>,
): Promise<T> {
  return inCartQueue(db, queueKey, async () => {
    for (let tries = 0; tries < MAX_ATTEMPTS; tries++) {
      const locked = tries > 0 || Boolean(holding?.policy)
      const done = locked ? await inCartTransaction(db, (trx) => attempt(trx, trx)) : await attempt(db, null)
      if (done !== null) return done
    }
    throw new Error(`a cart write did not land in ${MAX_ATTEMPTS} attempts`)
  })
}

/** The caller's transaction if it passed one (bench fixtures build carts inside theirs), else a new one. */
function inCartTransaction<T>(db: Db, work: (trx: Trx) => Promise<T>): Promise<T> {
  return db instanceof Transaction ? work(db) : inTransaction(db, work)
}

/**
 * Writes what a change decided and answers the cart as it now stands, built from the read and
 * what the write returned (no read after it); null when the cart changed since it was read.
 * With holds to re-take (`trx` given) after a change, they are synced under the cart's lock.
 */
export async function commitCartWrite(
  db: Db,
  trx: Trx | null,
  change: {
    state: CartWriteState
    write: Omit<CartWrite, 'cartEvents' | 'outboxEvents'>
    events: readonly CartEvent[]
    holding: CartHolding | undefined
  },
): Promise<CartView | null> {
  const { state, write, events, holding } = change
  const written = await cartWriteRepository.writeCart(db, {
    ...write,
    cartEvents: events.map(cartRepository.cartEventRow),
    outboxEvents: events.map((event) => eventRow(cartOutboxEvent(event))),
  })
  if (!written) return null
  const lines = linesAfterWrite(state.lines, write.deleteVariantIds, written.lines)
  let holds: CartHoldRow[] = state.holds
  if (trx && holding?.policy && events.length > 0) {
    holds = await syncCartHolds(trx, written.cart, lines, holding)
  }
  return {
    ...written.cart,
    holds,
    lines: lines.flatMap((line) => {
      const variant = state.variants.get(line.variant_id)
      // A variant withdrawn from sale after it was added drops out of the cart's view and totals.
      return variant ? [{ ...line, variant }] : []
    }),
  }
}

/** The lines read, less the deleted ones, with the written ones in their place, in the order added. */
function linesAfterWrite(
  read: readonly CartLineRow[],
  deleted: readonly string[],
  written: readonly CartLineRow[],
): CartLineRow[] {
  const byVariant = new Map(read.map((line) => [line.variant_id, line]))
  for (const variantId of deleted) byVariant.delete(variantId)
  for (const line of written) byVariant.set(line.variant_id, line)
  return [...byVariant.values()].sort((a, b) => Number(BigInt(a.position) - BigInt(b.position)))
}
