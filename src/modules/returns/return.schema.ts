import { z } from 'zod'
import { storeOfViewer } from '../../auth/viewer.js'
import type { OrderReturnRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { quantityInput } from '../../graphql/input-validation.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { actorOf } from '../../graphql/viewer-actor.js'
import { Order } from '../orders/order.schema.js'
import { Money } from '../shared/money.schema.js'
import { Store } from '../stores/store.schema.js'
import { acceptReturn, findReturnsOfOrders } from './return.service.js'

const RefundTo = builder.enumType('RefundTo', { values: ['ORIGINAL', 'CASH'] as const })
const RefundStatus = builder.enumType('RefundStatus', { values: ['PENDING', 'REFUNDED', 'FAILED'] as const })

const OrderReturn = builder.objectRef<OrderReturnRow>('OrderReturn').implement({
  fields: (t) => ({
    store: t.field({ type: Store, description: 'Where the goods were brought back.', resolve: (r) => r.store_id }),
    refundTo: t.field({ type: RefundTo, resolve: (r) => r.refund_to }),
    refundStatus: t.field({ type: RefundStatus, resolve: (r) => r.refund_status }),
    amount: t.field({ type: Money, resolve: (r) => ({ amountMinor: r.amount_minor, currencyCode: r.currency_code }) }),
    createdAt: t.field({ type: 'DateTime', resolve: (r) => r.created_at }),
  }),
})

builder.objectField(Order, 'returns', (t) =>
  t.loadableList({
    type: OrderReturn,
    load: async (orderIds: string[], context) => {
      const returns = await findReturnsOfOrders(context.db, orderIds)
      return orderIds.map((id) => returns.filter((entry) => entry.order_id === id))
    },
    resolve: (order) => order.id,
  }),
)

const ReturnLineInput = builder.inputType('ReturnLineInput', {
  fields: (t) => ({
    sku: t.string({ required: true, validate: z.string().min(1).max(64) }),
    quantity: t.int({ required: true, validate: quantityInput }),
  }),
})

const PosReturnCreateInput = builder.inputType('PosReturnCreateInput', {
  fields: (t) => ({
    orderId: t.globalID({ required: true, for: Order }),
    storeId: t.globalID({
      for: Store,
      description: "The store taking the goods back; defaults to the staff member's.",
    }),
    lines: t.field({ type: [ReturnLineInput], required: true, validate: z.array(z.unknown()).min(1).max(100) }),
    refundTo: t.field({ type: RefundTo, required: true }),
  }),
})

const PosReturnCreatePayload = builder
  .objectRef<Payload<{ orderReturn: OrderReturnRow; orderId: string }>>('PosReturnCreatePayload')
  .implement({
    fields: (t) => ({
      return: t.field({ type: OrderReturn, nullable: true, resolve: (p) => p.orderReturn ?? null }),
      order: t.field({ type: Order, nullable: true, resolve: (p) => p.orderId ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })

builder.mutationFields((t) => ({
  posReturnCreate: t.field({
    type: PosReturnCreatePayload,
    description: 'Staff: goods of an order from any channel brought back to this store, and the refund.',
    args: { input: t.arg({ type: PosReturnCreateInput, required: true }) },
    authScopes: (_root, args, context) => {
      const viewer = context.viewer
      const storeId = args.input.storeId?.id ?? storeOfViewer(viewer)
      // No store named or implied (an admin, a member of several stores): the return asks for one.
      return storeId ? { staffOfStore: storeId } : { staff: true }
    },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        const orderReturn = await acceptReturn(
          { db: context.db, online: context.payments.online, logger: context.logger },
          {
            orderId: input.orderId.id,
            storeId: input.storeId?.id ?? storeOfViewer(context.viewer),
            lines: input.lines,
            refundTo: input.refundTo,
            actor: actorOf(context.viewer),
            now: context.now,
          },
        )
        return { orderReturn, orderId: input.orderId.id }
      }),
  }),
}))
