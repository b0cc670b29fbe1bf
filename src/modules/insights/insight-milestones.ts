import type { Channel, SalesOrderRow } from '../../db/database.js'
import { bucketOfSeconds } from './insight-buckets.js'

/**
 * What an order adds to the rollups, milestone by milestone. Each milestone has a bit in the
 * order's ledger row (`insight_order_seen.counted`) and is counted once, when first seen: the
 * figures follow the order's state, so a replayed, late or missing event changes nothing.
 */
export const MILESTONE = {
  PLACED: 1,
  READY: 2,
  COLLECTED: 4,
  CANCELLED: 8,
  EXPIRED: 16,
  RETURNED: 32,
} as const

export const METRIC = { PLACED_TO_READY: 1, COUNTER_WAIT: 2 } as const
export type Metric = (typeof METRIC)[keyof typeof METRIC]

export interface OrderCounters {
  ordersPlaced: number
  crossDevice: number
  posSales: number
  basketMinor: number
  ready: number
  readyBeforeSlot: number
  collected: number
  revenueMinor: number
  expired: number
  cancelled: number
  returned: number
}

export const NO_ORDER_COUNTS: OrderCounters = {
  ordersPlaced: 0,
  crossDevice: 0,
  posSales: 0,
  basketMinor: 0,
  ready: 0,
  readyBeforeSlot: 0,
  collected: 0,
  revenueMinor: 0,
  expired: 0,
  cancelled: 0,
  returned: 0,
}

export type InsightOrder = Pick<
  SalesOrderRow,
  | 'id'
  | 'status'
  | 'payment_mode'
  | 'total_minor'
  | 'created_at'
  | 'ready_at'
  | 'pickup_slot_start'
  | 'arrived_at'
  | 'collected_at'
> & { channel: Channel }

export interface OrderFacts {
  order: InsightOrder
  crossDevice: boolean
  returned: boolean
}

export interface Milestone {
  bit: number
  counts: Partial<OrderCounters>
  sample?: { metric: Metric; bucket: number }
}

/**
 * The milestones an order has reached. A till sale is born paid or waits for its card: it counts
 * as a POS sale (and in the average basket) once completed, never as an order placed, since no
 * cart led to it. Everything else counts as placed when it exists, with its basket.
 */
export function milestonesOf(facts: OrderFacts): Milestone[] {
  const { order } = facts
  const tillSale = order.payment_mode === 'IN_STORE'
  const reached: Milestone[] = []
  if (!tillSale) {
    reached.push({
      bit: MILESTONE.PLACED,
      counts: { ordersPlaced: 1, crossDevice: facts.crossDevice ? 1 : 0, basketMinor: order.total_minor },
    })
  }
  if (order.ready_at !== null && !tillSale) {
    const readyAt = instant(order.ready_at)
    const slot = order.pickup_slot_start === null ? null : instant(order.pickup_slot_start)
    reached.push({
      bit: MILESTONE.READY,
      counts: { ready: 1, readyBeforeSlot: slot !== null && readyAt <= slot ? 1 : 0 },
      sample: { metric: METRIC.PLACED_TO_READY, bucket: bucketOfSeconds(secondsBetween(order.created_at, readyAt)) },
    })
  }
  if (order.status === 'COLLECTED' && order.collected_at !== null) {
    reached.push({
      bit: MILESTONE.COLLECTED,
      counts: {
        collected: 1,
        revenueMinor: order.total_minor,
        ...(tillSale ? { posSales: 1, basketMinor: order.total_minor } : {}),
      },
      ...(order.arrived_at === null
        ? {}
        : {
            sample: {
              metric: METRIC.COUNTER_WAIT,
              bucket: bucketOfSeconds(secondsBetween(order.arrived_at, order.collected_at)),
            },
          }),
    })
  }
  if (order.status === 'CANCELLED' && !tillSale) reached.push({ bit: MILESTONE.CANCELLED, counts: { cancelled: 1 } })
  if (order.status === 'EXPIRED') reached.push({ bit: MILESTONE.EXPIRED, counts: { expired: 1 } })
  if (facts.returned) reached.push({ bit: MILESTONE.RETURNED, counts: { returned: 1 } })
  return reached
}

function instant(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value)
}

function secondsBetween(from: Date | string, to: Date | string): number {
  return (instant(to).getTime() - instant(from).getTime()) / 1000
}
