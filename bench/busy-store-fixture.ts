import { sql } from 'kysely'
import type { AccessTokenIssuer } from '../src/auth/access-token.js'
import type { PickupSecrets } from '../src/auth/pickup-secrets.js'
import { anonymous } from '../src/auth/viewer.js'
import type { Db } from '../src/db/create-db.js'
import type { OrderStatus } from '../src/db/database.js'
import { inTransaction, type Trx } from '../src/db/transaction.js'
import { createLogger } from '../src/logger.js'
import { createCart } from '../src/modules/carts/cart.service.js'
import { KEYLESS_ORIGIN } from '../src/modules/channels/request-origin.js'
import { placeOrder } from '../src/modules/checkout/checkout.service.js'
import { lockOrder, markArrived, markReady, startPreparing } from '../src/modules/orders/order.service.js'
import type { OrderActor } from '../src/modules/orders/order-transition.js'
import { bookableSlots, slotRulesOf } from '../src/modules/pickup/pickup-slots.js'
import { startSession } from '../src/modules/sessions/session.service.js'
import { findStore, findStoresPage } from '../src/modules/stores/store.service.js'
import { type CheckoutStore, prepareCheckoutStore } from './checkout-fixture.js'

export const BUSY_STORE_ORDERS = 500
/** Orders spread over this many of the store's next slots (30 minutes each in the seed). */
const SLOTS_USED = 40
/** Transactions in flight while building: they queue on the store's order counter anyway. */
const LANES = 4
const DISTINCT_VARIANTS = 50
const MINUTE_MS = 60_000

type OpenStatus = Extract<OrderStatus, 'PLACED' | 'PREPARING' | 'READY_FOR_PICKUP'>

export interface BusyStore {
  code: string
  /** Ready to take checkouts too (stock, slots): the fan-out places its orders here. */
  store: CheckoutStore
  /** The seeded manager of the store: the staff member the board is read as. */
  staff: { staffId: string; role: 'MANAGER'; storeId: string }
  /** Open orders on the board by status, and how many customers are waiting at the counter. */
  counts: Record<OpenStatus, number> & { arrived: number; lines: number }
  buildMs: number
}

/** The busy store and a token of its manager, who reads its board. */
export interface Board {
  busy: BusyStore
  storeId: string
  staffToken: string
}

/**
 * The store after the checkout store by distance from `near`, so that the checkout scenarios'
 * thousands of orders never reach its board; its manager's token is issued directly (staffSignIn
 * would only add a password hash to the setup).
 */
export async function setUpBusyStore(
  db: Db,
  options: {
    near: { latitude: number; longitude: number }
    checkoutStoreId: string
    secrets: PickupSecrets
    accessTokens: AccessTokenIssuer
  },
): Promise<Board> {
  const page = { near: options.near, radiusKm: null, availableFor: null, limit: 2, offset: 0 }
  const store = (await findStoresPage(db, page)).find((each) => each.id !== options.checkoutStoreId)
  if (!store) throw new Error('the seeded database has a single store')
  const busy = await buildBusyStore(db, store, options.secrets)
  const { accessToken } = await startSession(db, options.accessTokens, { kind: 'staff', staffId: busy.staff.staffId })
  return { busy, storeId: store.id, staffToken: accessToken }
}

/**
 * A store with BUSY_STORE_ORDERS open orders, every one made by the services the mutations call
 * (cart, checkout, then startPreparing / markReady / markArrived by its manager), so that
 * sales_order, order_line, history and outbox rows have the shape the resolver really reads.
 * Deterministic: order i has 1–4 lines, half are PLACED, 30% PREPARING, 20% READY_FOR_PICKUP,
 * one in seven has its customer at the counter, spread over the next SLOTS_USED slots.
 */
async function buildBusyStore(
  db: Db,
  { id: storeId, code }: { id: string; code: string },
  secrets: PickupSecrets,
): Promise<BusyStore> {
  const started = Date.now()
  const store = await prepareCheckoutStore(db, storeId, DISTINCT_VARIANTS)
  const manager = await db
    .selectFrom('staff')
    .innerJoin('staff_store', 'staff_store.staff_id', 'staff.id')
    .select('staff.id')
    .where('staff_store.store_id', '=', storeId)
    .where('staff.role', '=', 'MANAGER')
    .executeTakeFirstOrThrow()
  const staff = { staffId: manager.id, role: 'MANAGER' as const, storeId }
  const row = await findStore(db, storeId)
  if (!row) throw new Error('the busy store vanished')
  // Slots still bookable in ten minutes, so none closes while the orders are being placed.
  const slots = bookableSlots(slotRulesOf(row), new Date(Date.now() + 10 * MINUTE_MS)).slice(0, SLOTS_USED)
  if (slots.length < SLOTS_USED) throw new Error('the busy store offers too few pickup slots')
  // One instant for every arrival, so all waitingMinutes tick over at the same second.
  const arrivalBase = Date.now()
  const actor: OrderActor = { type: 'STAFF', id: staff.staffId }

  const buildOne = async (i: number) => {
    const lines = Array.from({ length: 1 + (i % 4) }, (_, k) => ({
      variantId: store.distinctVariantIds[(i * 7 + k) % store.distinctVariantIds.length]!,
      quantity: 1 + ((i + k) % 3),
    }))
    const { orderId } = await inTransaction(db, async (trx) => {
      const cart = await createCart(trx, {
        viewer: anonymous,
        channel: 'WEB',
        device: null,
        storefrontId: null,
        lines,
        pickupStoreId: null,
        now: new Date(),
      })
      return placeOrder(trx, {
        cartId: cart.cart.id,
        credentials: { viewer: anonymous, cartToken: cart.cartToken },
        storeId,
        pickupSlotStart: slots[i % SLOTS_USED]!.start,
        paymentMode: 'AT_PICKUP',
        idempotencyKey: `bench-busy-${i}`,
        now: new Date(),
        paymentTimeoutMinutes: 15,
        origin: KEYLESS_ORIGIN,
        secrets,
      })
    })
    const target: OpenStatus = i % 10 < 5 ? 'PLACED' : i % 10 < 8 ? 'PREPARING' : 'READY_FOR_PICKUP'
    const arrivedAt = i % 7 === 0 ? new Date(arrivalBase - (1 + (i % 25)) * MINUTE_MS) : null
    await inTransaction(db, (trx) => moveOn(trx, orderId, target, arrivedAt, actor))
  }
  await Promise.all(
    Array.from({ length: LANES }, async (_, lane) => {
      for (let i = lane; i < BUSY_STORE_ORDERS; i += LANES) await buildOne(i)
    }),
  )
  return { code, store, staff, counts: await countOpenOrders(db, storeId), buildMs: Date.now() - started }
}

const SILENT = createLogger('silent')

/** Walks a placed order to `target` as staff would, one locked step after another. */
async function moveOn(trx: Trx, orderId: string, target: OpenStatus, arrivedAt: Date | null, actor: OrderActor) {
  const locked = async () => {
    const order = await lockOrder(trx, orderId)
    if (!order) throw new Error(`order ${orderId} vanished`)
    return order
  }
  const now = new Date()
  if (target !== 'PLACED') await startPreparing(trx, await locked(), { actor, now })
  if (target === 'READY_FOR_PICKUP') await markReady(trx, await locked(), { actor, now, missing: [], logger: SILENT })
  if (arrivedAt) await markArrived(trx, await locked(), arrivedAt)
}

async function countOpenOrders(db: Db, storeId: string): Promise<BusyStore['counts']> {
  const { rows } = await sql<{ status: OpenStatus; orders: string; arrived: string; lines: string }>`
    SELECT status, count(*) AS orders, count(arrived_at) AS arrived,
      sum((SELECT count(*) FROM order_line WHERE order_line.order_id = sales_order.id)) AS lines
    FROM sales_order
    WHERE store_id = ${storeId} AND status IN ('PLACED', 'PREPARING', 'READY_FOR_PICKUP')
    GROUP BY status`.execute(db)
  const count = (status: OpenStatus) => Number(rows.find((row) => row.status === status)?.orders ?? 0)
  const counts = {
    PLACED: count('PLACED'),
    PREPARING: count('PREPARING'),
    READY_FOR_PICKUP: count('READY_FOR_PICKUP'),
    arrived: rows.reduce((sum, row) => sum + Number(row.arrived), 0),
    lines: rows.reduce((sum, row) => sum + Number(row.lines), 0),
  }
  const open = counts.PLACED + counts.PREPARING + counts.READY_FOR_PICKUP
  if (open !== BUSY_STORE_ORDERS) throw new Error(`the busy store has ${open} open orders, not ${BUSY_STORE_ORDERS}`)
  return counts
}
