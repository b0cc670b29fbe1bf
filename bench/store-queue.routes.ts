import { Hono } from 'hono'
import { z } from 'zod'
import type { AccessTokenIssuer } from '../src/auth/access-token.js'
import { canActOnStore } from '../src/auth/viewer.js'
import type { Db } from '../src/db/create-db.js'
import type { OrderStatus } from '../src/db/database.js'
import type { OrderView } from '../src/modules/orders/order.js'
import { findOrderViews, findStoreQueue } from '../src/modules/orders/order.service.js'
import { grantOrderAccess } from '../src/modules/orders/order-access.js'
import { credentialOf, viewerOfCredential } from '../src/modules/sessions/credential.js'

// storeOrders' default statuses and its page sizes (order.schema.ts).
const OPEN_STATUSES: OrderStatus[] = ['PLACED', 'PREPARING', 'READY_FOR_PICKUP']
const storeOrdersQuery = z.object({ storeId: z.uuid(), first: z.coerce.number().int().min(0).max(200).default(50) })

/**
 * storeOrders without GraphQL, as a staff member reads the board: the same token check, the same
 * service calls (the queue's page plus one row, then the page's orders and lines at once, as the
 * Order node's loader does) and a body of the same shape as the bench's board query.
 */
export function bareStoreQueueRoutes(db: Db, accessTokens: AccessTokenIssuer) {
  return new Hono().get('/store-orders', async (c) => {
    const query = storeOrdersQuery.safeParse(c.req.query())
    if (!query.success) return c.json({ error: query.error.issues[0]?.message ?? 'bad query' }, 400)
    const { storeId, first } = query.data
    // Like the GraphQL context (a verified bearer token) and the staffOfStore scope.
    const credential = await credentialOf(c.req.header('authorization') ?? null, accessTokens)
    const viewer = credential && credential.kind !== 'none' ? await viewerOfCredential(db, credential) : null
    if (!viewer) return c.json({ error: 'unauthenticated' }, 401)
    if (!canActOnStore(viewer, storeId)) return c.json({ error: 'forbidden' }, 403)
    const now = new Date()

    const rows = await findStoreQueue(db, storeId, OPEN_STATUSES, first + 1, 0)
    const ids = rows.slice(0, first).map((row) => row.id)
    const orders = await findOrderViews(db, ids)
    const grants = await Promise.all(orders.map((order) => grantOrderAccess(db, order, { viewer, cartToken: null })))
    const visible = new Map(orders.filter((_, index) => grants[index]).map((order) => [order.id, order]))
    const edges = ids.flatMap((id) => {
      const order = visible.get(id)
      return order ? [{ node: boardNode(order, now) }] : []
    })
    return c.json({ data: { storeOrders: { edges, pageInfo: { hasNextPage: rows.length > first } } } })
  })
}

function boardNode(order: OrderView, now: Date) {
  return {
    id: Buffer.from(`Order:${order.id}`).toString('base64'),
    number: order.number,
    status: order.status,
    pickupSlotStart: isoOrNull(order.pickup_slot_start),
    arrivedAt: isoOrNull(order.arrived_at),
    waitingMinutes: waitingMinutes(order, now),
    isLate: isLate(order, now),
    lines: order.lines.map((line) => ({ sku: line.sku, title: line.title, quantity: line.quantity })),
  }
}

function isoOrNull(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString()
}

// The two rules below copy Order.waitingMinutes and Order.isLate (order.schema.ts); the
// scenario's check compares whole bodies, so a copy that drifted would stop the bench.
function waitingMinutes(order: OrderView, now: Date): number | null {
  return order.arrived_at && OPEN_STATUSES.includes(order.status)
    ? Math.max(0, Math.floor((now.getTime() - new Date(order.arrived_at).getTime()) / 60_000))
    : null
}

function isLate(order: OrderView, now: Date): boolean {
  if (!order.pickup_slot_start || !OPEN_STATUSES.includes(order.status)) return false
  if (order.status !== 'READY_FOR_PICKUP') return now.getTime() > new Date(order.pickup_slot_start).getTime()
  return order.pickup_slot_end !== null && now.getTime() > new Date(order.pickup_slot_end).getTime()
}
