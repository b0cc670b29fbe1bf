import type { Db } from '../../db/create-db.js'
import type { Channel, SalesOrderRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { findCartStarts } from '../carts/cart.service.js'
import { findCheckoutStoresOfCarts, findOrderRows } from '../orders/order.service.js'
import { localDateOf } from '../pickup/pickup-slots.js'
import { findOrdersWithReturns } from '../returns/return.service.js'
import { findStoresByIds } from '../stores/store.service.js'
import { crossDeviceOrders } from './cross-device.js'
import * as insightRepository from './insight.repository.js'
import { milestonesOf, NO_ORDER_COUNTS, type OrderCounters } from './insight-milestones.js'

export interface ProjectionSubjects {
  cartIds: readonly string[]
  orderIds: readonly string[]
}

/**
 * Brings the rollups up to date with these carts and orders as they now stand: what is new since
 * they were last counted is added, nothing else. The outbox consumer calls it per batch and the
 * backfill per page, so both count by the same rules.
 */
export async function projectIntoRollups(trx: Trx, subjects: ProjectionSubjects): Promise<void> {
  await projectCarts(trx, unique(subjects.cartIds))
  await projectOrders(trx, unique(subjects.orderIds))
}

async function projectCarts(trx: Trx, cartIds: string[]): Promise<void> {
  if (cartIds.length === 0) return
  const starts = await findCartStarts(trx, { cartIds })
  await countCartStartRows(trx, starts)
}

/**
 * Counts carts started from their start rows (the consumer's and the backfill's reads alike),
 * under the store they were checked out in, else the one chosen so far; with neither, under no
 * store until they get one. The day is the store-local one (UTC without a store).
 */
export async function countCartStartRows(
  trx: Trx,
  starts: readonly { cart_id: string; channel: Channel; started_at: Date; store_id: string | null }[],
): Promise<void> {
  if (starts.length === 0) return
  const checkedOutIn = await findCheckoutStoresOfCarts(
    trx,
    starts.map((start) => start.cart_id),
  )
  const placed = starts.map((start) => ({ ...start, store_id: checkedOutIn.get(start.cart_id) ?? start.store_id }))
  const zones = await timeZonesOf(
    trx,
    placed.flatMap((start) => (start.store_id === null ? [] : [start.store_id])),
  )
  await insightRepository.countCartStarts(
    trx,
    placed.map((start) => ({
      cart_id: start.cart_id,
      day: dayOf(start.started_at, start.store_id === null ? 'UTC' : (zones.get(start.store_id) ?? 'UTC')),
      store_id: start.store_id,
      channel: start.channel,
    })),
  )
}

async function projectOrders(trx: Trx, orderIds: string[]): Promise<void> {
  if (orderIds.length === 0) return
  const orders = await findOrderRows(trx, orderIds)
  if (orders.length === 0) return
  const [zones, crossed, returned, ledger] = await Promise.all([
    timeZonesOf(
      trx,
      orders.map((order) => order.store_id),
    ),
    crossDeviceOrders(trx, orders),
    findOrdersWithReturns(
      trx,
      orders.map((order) => order.id),
    ),
    insightRepository.lockOrderLedger(
      trx,
      orders.map((order) => order.id),
    ),
  ])
  const marks: { order_id: string; counted: number }[] = []
  const counts = new Map<string, insightRepository.OrderCountsRow>()
  const samples = new Map<string, insightRepository.DurationSamplesRow>()
  for (const order of orders) {
    const before = ledger.get(order.id) ?? 0
    const fresh = milestonesOf({ order, crossDevice: crossed.has(order.id), returned: returned.has(order.id) }).filter(
      (milestone) => (before & milestone.bit) === 0,
    )
    if (fresh.length === 0) continue
    marks.push({ order_id: order.id, counted: fresh.reduce((bits, milestone) => bits | milestone.bit, before) })
    const key = keyOf(order, zones)
    const row = counts.get(countsKey(key)) ?? { ...key, ...zeroCounts() }
    counts.set(countsKey(key), row)
    for (const milestone of fresh) {
      addCounts(row, milestone.counts)
      if (!milestone.sample) continue
      const sampleKey = `${countsKey(key)}|${milestone.sample.metric}|${milestone.sample.bucket}`
      const sample = samples.get(sampleKey) ?? {
        day: key.day,
        store_id: key.store_id,
        channel: key.channel,
        metric: milestone.sample.metric,
        bucket: milestone.sample.bucket,
        samples: 0,
      }
      sample.samples += 1
      samples.set(sampleKey, sample)
    }
  }
  // Sorted by key, so that two claims running at once lock the rollup rows in the same order.
  await insightRepository.addOrderMilestones(trx, {
    marks,
    counts: [...counts.entries()].sort(byKey).map(([, row]) => row),
    samples: [...samples.entries()].sort(byKey).map(([, row]) => row),
  })
}

type RollupKey = Pick<insightRepository.OrderCountsRow, 'day' | 'store_id' | 'channel' | 'currency_code'>

function keyOf(order: SalesOrderRow, zones: Map<string, string>): RollupKey {
  return {
    day: dayOf(order.created_at, zones.get(order.store_id) ?? 'UTC'),
    store_id: order.store_id,
    channel: order.channel,
    currency_code: order.currency_code,
  }
}

const countsKey = (key: RollupKey) => `${key.day}|${key.store_id}|${key.channel}|${key.currency_code}`
const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0)

const COLUMN_OF: Record<keyof OrderCounters, keyof insightRepository.OrderCountsRow> = {
  ordersPlaced: 'orders_placed',
  crossDevice: 'cross_device',
  posSales: 'pos_sales',
  basketMinor: 'basket_minor',
  ready: 'ready',
  readyBeforeSlot: 'ready_before_slot',
  collected: 'collected',
  revenueMinor: 'revenue_minor',
  expired: 'expired',
  cancelled: 'cancelled',
  returned: 'returned',
}

function zeroCounts(): Omit<insightRepository.OrderCountsRow, keyof RollupKey> {
  const row = { ...NO_ORDER_COUNTS }
  return {
    orders_placed: row.ordersPlaced,
    cross_device: row.crossDevice,
    pos_sales: row.posSales,
    basket_minor: row.basketMinor,
    ready: row.ready,
    ready_before_slot: row.readyBeforeSlot,
    collected: row.collected,
    revenue_minor: row.revenueMinor,
    expired: row.expired,
    cancelled: row.cancelled,
    returned: row.returned,
  }
}

function addCounts(row: insightRepository.OrderCountsRow, counts: Partial<OrderCounters>): void {
  for (const [field, value] of Object.entries(counts) as [keyof OrderCounters, number][]) {
    const column = COLUMN_OF[field] as keyof Omit<insightRepository.OrderCountsRow, keyof RollupKey>
    row[column] += value
  }
}

async function timeZonesOf(db: Db, storeIds: readonly string[]): Promise<Map<string, string>> {
  const ids = unique(storeIds)
  if (ids.length === 0) return new Map()
  return new Map((await findStoresByIds(db, ids)).map((store) => [store.id, store.time_zone]))
}

/** The store-local calendar date of an instant, "YYYY-MM-DD". */
function dayOf(at: Date | string, timeZone: string): string {
  const date = localDateOf(at instanceof Date ? at : new Date(at), timeZone)
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)]
}
