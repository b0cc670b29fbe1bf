import { resolveOffsetConnection } from '@pothos/plugin-relay'
import { z } from 'zod'
import type { OrderLineRow, OrderStatusChangeRow, OrderStatus as OrderStatusValue } from '../../db/database.js'
import { whileAuthorized } from '../../graphql/authorized-stream.js'
import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { notFound } from '../../graphql/errors.js'
import { Channel, cartCredentials } from '../carts/cart.schema.js'
import { Variant } from '../catalog/catalog.schema.js'
import { Customer } from '../customers/customer.schema.js'
import { discountsByPromotion, findDiscountsOfOrders } from '../promotions/order-discounts.service.js'
import { Money } from '../shared/money.schema.js'
import { Store } from '../stores/store.schema.js'
import { lineTotalMinor, type OrderView } from './order.js'
import { findHistory, findOrdersOfCustomer, findOrderViews, findStoreQueue } from './order.service.js'
import { grantOrderAccess, type OrderGrant } from './order-access.js'
import { ORDER_STATUSES } from './order-state.js'

export const OrderStatus = builder.enumType('OrderStatus', { values: ORDER_STATUSES })
export const PaymentMode = builder.enumType('PaymentMode', { values: ['ONLINE', 'AT_PICKUP', 'IN_STORE'] as const })

// The board's default: what the store has to act on (unpaid orders are not prepared yet).
const OPEN_STATUSES: OrderStatusValue[] = ['PLACED', 'PREPARING', 'READY_FOR_PICKUP']

type OrderNodeValue = OrderView & { grant: OrderGrant }

/** Orders load only for callers who may see them, so node(id) cannot be used to peek. */
export async function loadAccessibleOrders(ids: string[], context: GraphQLContext): Promise<OrderNodeValue[]> {
  const orders = await findOrderViews(context.db, ids)
  const grants = await Promise.all(orders.map((order) => grantOrderAccess(context.db, order, cartCredentials(context))))
  return orders.flatMap((order, index) => {
    const grant = grants[index]
    return grant ? [{ ...order, grant }] : []
  })
}

export const Order = builder.loadableNodeRef('Order', {
  id: { resolve: (order: OrderNodeValue) => order.id },
  load: loadAccessibleOrders,
  sort: (order) => order.id,
})

/** One promotion's part of an order or line, as the receipt shows it (its name and code at the time). */
interface ReceiptDiscount {
  promotionName: string
  code: string | null
  amountMinor: number
  currencyCode: string
}

function discountObject(name: string, description: string) {
  return builder.objectRef<ReceiptDiscount>(name).implement({
    description,
    fields: (t) => ({
      promotionName: t.exposeString('promotionName'),
      code: t.exposeString('code', {
        nullable: true,
        description: 'The code typed, normalised; null for an automatic promotion.',
      }),
      amount: t.field({
        type: Money,
        resolve: (discount) => ({ amountMinor: discount.amountMinor, currencyCode: discount.currencyCode }),
      }),
    }),
  })
}

const OrderDiscount = discountObject('OrderDiscount', 'What one promotion took off the order, over all its lines.')
const OrderDiscountAllocation = discountObject('OrderDiscountAllocation', 'What one promotion took off a line.')

type OrderKey = { orderId: string; currencyCode: string }
type LineKey = OrderKey & { lineNumber: number }

const OrderLine = builder.objectRef<OrderLineRow & { currency: string }>('OrderLine').implement({
  fields: (t) => ({
    sku: t.exposeString('sku'),
    title: t.exposeString('title'),
    variant: t.field({ type: Variant, resolve: (line) => line.variant_id }),
    quantity: t.exposeInt('quantity', { description: 'Units handed over (missing ones excluded).' }),
    missingQuantity: t.exposeInt('missing_quantity', { description: 'Units the store could not find.' }),
    unitPrice: t.field({
      type: Money,
      resolve: (line) => ({ amountMinor: line.unit_price_minor, currencyCode: line.currency }),
    }),
    lineTotal: t.field({
      type: Money,
      description: 'Unit price × quantity, before discounts.',
      resolve: (line) => ({ amountMinor: line.unit_price_minor * line.quantity, currencyCode: line.currency }),
    }),
    total: t.field({
      type: Money,
      description: 'What the units handed over cost after discounts: each unit bears its share of the line’s discount.',
      resolve: (line) => ({ amountMinor: lineTotalMinor(line), currencyCode: line.currency }),
    }),
    discountAllocations: t.loadableList({
      type: OrderDiscountAllocation,
      description: 'What each promotion took off this line, on every unit bought.',
      load: async (keys: LineKey[], context) => {
        const rows = await findDiscountsOfOrders(context.db, [...new Set(keys.map((key) => key.orderId))])
        return keys.map((key) =>
          rows
            .filter((row) => row.order_id === key.orderId && row.line_number === key.lineNumber)
            .map((row) => ({
              promotionName: row.promotion_name,
              code: row.code,
              amountMinor: row.amount_minor,
              currencyCode: key.currencyCode,
            })),
        )
      },
      loaderOptions: { cacheKeyFn: (key: LineKey) => `${key.orderId}/${key.lineNumber}` },
      resolve: (line) => ({ orderId: line.order_id, lineNumber: line.line_number, currencyCode: line.currency }),
    }),
  }),
})

const OrderHistoryEntry = builder.objectRef<OrderStatusChangeRow>('OrderHistoryEntry').implement({
  fields: (t) => ({
    status: t.field({ type: OrderStatus, resolve: (entry) => entry.status }),
    at: t.field({ type: 'DateTime', resolve: (entry) => entry.at }),
    note: t.exposeString('note', { nullable: true }),
  }),
})

const money = (order: OrderView, amountMinor: number) => ({ amountMinor, currencyCode: order.currency_code })
const optionalDate = (value: Date | string | null) => (value === null ? null : new Date(value))

Order.implement({
  fields: (t) => ({
    number: t.exposeString('number', { description: 'Per-store number to call out at the counter.' }),
    channel: t.field({ type: Channel, resolve: (order) => order.channel }),
    status: t.field({ type: OrderStatus, resolve: (order) => order.status }),
    paymentMode: t.field({ type: PaymentMode, resolve: (order) => order.payment_mode }),
    store: t.field({
      type: Store,
      description: 'Where to collect: always the store record.',
      resolve: (order) => order.store_id,
    }),
    customer: t.field({ type: Customer, nullable: true, resolve: (order) => order.customer_id }),
    pickupSlotStart: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (order) => optionalDate(order.pickup_slot_start),
    }),
    pickupSlotEnd: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (order) => optionalDate(order.pickup_slot_end),
    }),
    lines: t.field({
      type: [OrderLine],
      resolve: (order) => order.lines.map((line) => ({ ...line, currency: order.currency_code })),
    }),
    subtotal: t.field({ type: Money, resolve: (order) => money(order, order.subtotal_minor) }),
    discountTotal: t.field({
      type: Money,
      description: 'What promotions took off the subtotal: total = subtotal - discountTotal.',
      resolve: (order) => money(order, order.discount_minor),
    }),
    discounts: t.loadableList({
      type: OrderDiscount,
      description: 'The promotions applied, each with what it took off the whole order.',
      load: async (keys: OrderKey[], context) => {
        const rows = await findDiscountsOfOrders(
          context.db,
          keys.map((key) => key.orderId),
        )
        return keys.map((key) =>
          discountsByPromotion(rows.filter((row) => row.order_id === key.orderId)).map((discount) => ({
            ...discount,
            currencyCode: key.currencyCode,
          })),
        )
      },
      loaderOptions: { cacheKeyFn: (key: OrderKey) => key.orderId },
      resolve: (order) => ({ orderId: order.id, currencyCode: order.currency_code }),
    }),
    tax: t.field({ type: Money, resolve: (order) => money(order, order.tax_minor) }),
    total: t.field({ type: Money, resolve: (order) => money(order, order.total_minor) }),
    history: t.loadableList({
      type: OrderHistoryEntry,
      load: async (orderIds: string[], context) => {
        const entries = await findHistory(context.db, orderIds)
        return orderIds.map((id) => entries.filter((entry) => entry.order_id === id))
      },
      resolve: (order) => order.id,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (order) => order.created_at }),
    paymentDueAt: t.field({ type: 'DateTime', nullable: true, resolve: (order) => optionalDate(order.payment_due_at) }),
    readyAt: t.field({ type: 'DateTime', nullable: true, resolve: (order) => optionalDate(order.ready_at) }),
    holdUntil: t.field({ type: 'DateTime', nullable: true, resolve: (order) => optionalDate(order.hold_until) }),
    collectedAt: t.field({ type: 'DateTime', nullable: true, resolve: (order) => optionalDate(order.collected_at) }),
    paidAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When what was taken (cash, a captured card, gift cards) first covered the total; null until then.',
      resolve: (order) => optionalDate(order.paid_at),
    }),
    cancelledAt: t.field({ type: 'DateTime', nullable: true, resolve: (order) => optionalDate(order.cancelled_at) }),
    arrivedAt: t.field({ type: 'DateTime', nullable: true, resolve: (order) => optionalDate(order.arrived_at) }),
    waitingMinutes: t.int({
      nullable: true,
      description: 'How long the customer has been waiting at the store; null until they arrive or once collected.',
      resolve: (order, _args, context) =>
        order.arrived_at && OPEN_STATUSES.includes(order.status)
          ? Math.max(0, Math.floor((context.now.getTime() - new Date(order.arrived_at).getTime()) / 60_000))
          : null,
    }),
    isLate: t.boolean({
      description: 'Not ready when its slot starts, or ready and not collected when its slot is over.',
      resolve: (order, _args, context) => {
        if (!order.pickup_slot_start || !OPEN_STATUSES.includes(order.status)) return false
        const now = context.now.getTime()
        if (order.status !== 'READY_FOR_PICKUP') return now > new Date(order.pickup_slot_start).getTime()
        return order.pickup_slot_end !== null && now > new Date(order.pickup_slot_end).getTime()
      },
    }),
    pickupPass: t.string({
      nullable: true,
      description: "Signed token for the shopper's QR code, scanned at the counter instead of typing the code.",
      resolve: (order, _args, context) =>
        order.grant === 'SHOPPER' ? context.pickupSecrets.signPickupPass(order.id) : null,
    }),
  }),
})

builder.queryFields((t) => ({
  order: t.field({
    type: Order,
    nullable: true,
    description: 'For its customer (or the guest holding its cart token) and for staff of its store.',
    args: { id: t.arg.globalID({ required: true, for: Order }) },
    resolve: (_root, args) => args.id.id,
  }),
  storeOrders: t.connection({
    type: Order,
    description: 'The pickup queue of a store, by pickup slot.',
    args: {
      storeId: t.arg.globalID({ required: true, for: Store }),
      statuses: t.arg({ type: [OrderStatus] }),
    },
    validate: z.looseObject({ first: z.number().int().min(0).max(200).nullish() }),
    authScopes: (_root, args) => ({ staffOfStore: args.storeId.id }),
    resolve: (_root, args, context) =>
      resolveOffsetConnection({ args, defaultSize: 50, maxSize: 200 }, async ({ limit, offset }) => {
        const statuses: OrderStatusValue[] = args.statuses?.length ? args.statuses : OPEN_STATUSES
        const rows = await findStoreQueue(context.db, args.storeId.id, statuses, limit, offset)
        return rows.map((row) => row.id)
      }),
  }),
}))

builder.objectField(Customer, 'orders', (t) =>
  t.connection({
    type: Order,
    description: 'Newest first, from every channel.',
    validate: z.looseObject({ first: z.number().int().min(0).max(100).nullish() }),
    resolve: (customer, args, context) =>
      resolveOffsetConnection({ args, defaultSize: 20, maxSize: 100 }, async ({ limit, offset }) => {
        const rows = await findOrdersOfCustomer(context.db, customer.id, limit, offset)
        return rows.map((row) => row.id)
      }),
  }),
)

builder.subscriptionFields((t) => ({
  orderUpdated: t.field({
    type: Order,
    description: 'Every change of the order as it commits (Server-Sent Events).',
    args: { orderId: t.arg.globalID({ required: true, for: Order }) },
    subscribe: async (_root, args, context) => {
      const orderId = args.orderId.id
      const [order] = await loadAccessibleOrders([orderId], context)
      if (!order) throw notFound('Order', orderId)
      return whileAuthorized(context, context.pubsub.subscribe('order:updated', orderId))
    },
    resolve: async (event, _args, context) => {
      const [order] = await loadAccessibleOrders([event.orderId], context)
      if (!order) throw notFound('Order', event.orderId)
      return order
    },
  }),
}))
