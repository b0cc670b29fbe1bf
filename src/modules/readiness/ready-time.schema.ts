import { z } from 'zod'
import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { CartLineInput } from '../inventory/cart-line-input.schema.js'
import { Order } from '../orders/order.schema.js'
import { Store } from '../stores/store.schema.js'
import { isAtRisk } from './ready-time.js'
import { estimateReadyAt, estimateStoreQueue } from './ready-time.service.js'

interface QueuedOrderKey {
  id: string
  store_id: string
  status: string
  pickup_slot_start: Date | string | null
}

const TO_PREPARE = new Set(['PLACED', 'PREPARING'])

/**
 * The estimates of the orders asked together, one queue read per store; never the closed ones.
 * Undefined for an order no longer in its store's queue when it was read (ready meanwhile).
 */
async function estimatesOf(
  orders: readonly QueuedOrderKey[],
  context: GraphQLContext,
): Promise<(Date | null | undefined)[]> {
  const storeIds = [...new Set(orders.filter((order) => TO_PREPARE.has(order.status)).map((order) => order.store_id))]
  const queues = new Map(
    await Promise.all(
      storeIds.map(async (storeId) => [storeId, await estimateStoreQueue(context.db, storeId, context.now)] as const),
    ),
  )
  return orders.map((order) => (TO_PREPARE.has(order.status) ? queues.get(order.store_id)?.get(order.id) : undefined))
}

// Batched per tick, not cached: a live board's subscription keeps its context, and the queue moves.
const loaderOptions = { cache: false, cacheKeyFn: (order: QueuedOrderKey) => order.id }

builder.objectFields(Order, (t) => ({
  estimatedReadyAt: t.loadable({
    type: 'DateTime',
    nullable: true,
    description:
      'Still to prepare: when the store should have it ready, from its learned preparation time and the orders ahead of it (by slot). Null once ready or closed.',
    load: async (orders: QueuedOrderKey[], context) =>
      (await estimatesOf(orders, context)).map((estimate) => estimate ?? null),
    loaderOptions,
    resolve: (order) => order,
  }),
  atRisk: t.loadable({
    type: 'Boolean',
    description:
      'Still to prepare, and estimatedReadyAt is after its pickup slot starts (or the store cannot say when): it may miss its slot.',
    load: async (orders: QueuedOrderKey[], context) => {
      const estimates = await estimatesOf(orders, context)
      return orders.map((order, index) => {
        const estimate = estimates[index]
        const slotStart = order.pickup_slot_start ? new Date(order.pickup_slot_start) : null
        return estimate !== undefined && isAtRisk({ status: order.status, slotStart }, estimate)
      })
    },
    loaderOptions,
    resolve: (order) => order,
  }),
}))

builder.objectFields(Store, (t) => ({
  estimatedReadyAt: t.field({
    type: 'DateTime',
    nullable: true,
    description:
      'When an order of these lines placed now would be ready ("ready in 8 minutes"): learned from the store\'s recent orders, after its queue, only while it is open. Null when it takes no orders or opens in none of the next days a slot can be booked.',
    args: { lines: t.arg({ type: [CartLineInput], validate: z.array(z.unknown()).max(100) }) },
    resolve: (store, args, context) =>
      estimateReadyAt(
        context.db,
        store,
        (args.lines ?? []).reduce((sum, line) => sum + line.quantity, 0),
        context.now,
      ),
  }),
}))
