import { z } from 'zod'
import type { SalesOrderRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { notFound } from '../../graphql/errors.js'
import { pickupPassInput, quantityInput } from '../../graphql/input-validation.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { cartCredentials } from '../carts/cart.schema.js'
import { settleCancelledOrder } from '../payments/payment.service.js'
import { PosPaymentInput, parsePosPayment } from '../pos/pos-payment.schema.js'
import { collectOrder } from './collect-order.service.js'
import { Order } from './order.schema.js'
import {
  cancelOrder,
  findOrderViews,
  lockOrder,
  markArrived,
  markReady,
  type PickupProof,
  startPreparing,
} from './order.service.js'
import { grantOrderAccess } from './order-access.js'
import type { OrderActor } from './order-transition.js'

const OrderPayload = builder.objectRef<Payload<{ orderId: string }>>('OrderPayload').implement({
  description: 'The order after the change, or why nothing changed.',
  fields: (t) => ({
    order: t.field({ type: Order, nullable: true, resolve: (payload) => payload.orderId ?? null }),
    userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
  }),
})

function actorOf(context: GraphQLContext): OrderActor {
  const viewer = context.viewer
  if (viewer.kind === 'staff') return { type: 'STAFF', id: viewer.staffId }
  if (viewer.kind === 'terminal') return { type: 'TERMINAL', id: viewer.terminalId }
  if (viewer.kind === 'customer') return { type: 'CUSTOMER', id: viewer.customerId }
  return { type: 'CUSTOMER', id: null }
}

/** The order as the caller may see it, or NOT_FOUND: staff of other stores learn nothing either. */
async function orderFor(
  context: GraphQLContext,
  orderId: string,
  as: 'SHOPPER' | 'STAFF' | 'ANY',
): Promise<SalesOrderRow> {
  const [order] = await findOrderViews(context.db, [orderId])
  const grant = order ? await grantOrderAccess(context.db, order, cartCredentials(context)) : null
  if (!order || !grant || (as !== 'ANY' && grant !== as)) throw notFound('Order', orderId)
  return order
}

/** Locks the order and applies one change, in one transaction with its stock and its event. */
function changeOrder(
  context: GraphQLContext,
  orderId: string,
  change: (trx: Trx, order: SalesOrderRow) => Promise<void>,
) {
  return withUserErrors(async () => {
    await inTransaction(context.db, async (trx) => {
      const order = await lockOrder(trx, orderId)
      if (!order) throw notFound('Order', orderId)
      await change(trx, order)
    })
    return { orderId }
  })
}

const OrderIdInput = (name: string) =>
  builder.inputType(name, { fields: (t) => ({ orderId: t.globalID({ required: true, for: Order }) }) })

const OrderCancelInput = builder.inputType('OrderCancelInput', {
  fields: (t) => ({
    orderId: t.globalID({ required: true, for: Order }),
    reason: t.string({ validate: z.string().max(500) }),
  }),
})

const MissingLineInput = builder.inputType('MissingLineInput', {
  fields: (t) => ({
    sku: t.string({ required: true, validate: z.string().min(1).max(64) }),
    quantity: t.int({ required: true, validate: quantityInput }),
  }),
})

const OrderMarkReadyInput = builder.inputType('OrderMarkReadyInput', {
  fields: (t) => ({
    orderId: t.globalID({ required: true, for: Order }),
    missing: t.field({
      type: [MissingLineInput],
      description: 'Units that could not be found.',
      validate: z.array(z.unknown()).max(100),
    }),
  }),
})

const OrderCollectInput = builder.inputType('OrderCollectInput', {
  description: 'Exactly one of pickupCode (typed) or pickupPass (scanned QR).',
  fields: (t) => ({
    orderId: t.globalID({ required: true, for: Order }),
    payment: t.field({ type: PosPaymentInput, description: 'How an order paid at pickup is paid.' }),
    pickupCode: t.string({ validate: z.string().regex(/^\d{6}$/, 'pickupCode is six digits') }),
    pickupPass: t.string({ validate: pickupPassInput }),
  }),
  validate: z
    .looseObject({ pickupCode: z.string().nullish(), pickupPass: z.string().nullish() })
    .refine(
      (input) => (input.pickupCode == null) !== (input.pickupPass == null),
      'Give exactly one of pickupCode or pickupPass.',
    ),
})

const OrderArriveInput = builder.inputType('OrderArriveInput', {
  description: 'Exactly one of orderId (the shopper’s app) or pickupPass (scanned by the store’s kiosk).',
  fields: (t) => ({
    orderId: t.globalID({ for: Order }),
    pickupPass: t.string({ validate: pickupPassInput }),
  }),
  validate: z
    .looseObject({ orderId: z.unknown().nullish(), pickupPass: z.string().nullish() })
    .refine(
      (input) => (input.orderId == null) !== (input.pickupPass == null),
      'Give exactly one of orderId or pickupPass.',
    ),
})

builder.mutationFields((t) => ({
  orderCancel: t.field({
    type: OrderPayload,
    description: 'The shopper, before preparation starts; staff of the store, until collection.',
    args: { input: t.arg({ type: OrderCancelInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const orderId = input.orderId.id
      await orderFor(context, orderId, 'ANY')
      const result = await changeOrder(context, orderId, (trx, order) =>
        cancelOrder(trx, order, { actor: actorOf(context), now: context.now, reason: input.reason ?? null }),
      )
      // The authorisation is voided (or the capture refunded) once the cancellation has committed.
      if (result.userErrors.length === 0) {
        await settleCancelledOrder(context.db, context.payments.online, orderId, context.now, context.logger)
      }
      return result
    },
  }),
  orderArrive: t.field({
    type: OrderPayload,
    description:
      '"I\'m here": the order moves to the top of the store\'s board, with the time the customer has waited.',
    args: { input: t.arg({ type: OrderArriveInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const passOrderId = input.pickupPass ? context.pickupSecrets.verifyPickupPass(input.pickupPass) : null
      if (input.pickupPass && !passOrderId) {
        return {
          userErrors: [
            { code: 'INVALID_PICKUP_CODE' as const, field: ['pickupPass'], message: 'This pickup pass is not valid.' },
          ],
        }
      }
      const orderId = passOrderId ?? input.orderId?.id ?? ''
      // A scanned pass is accepted from the store's own staff or kiosk; an order id from its shopper too.
      await orderFor(context, orderId, passOrderId ? 'STAFF' : 'ANY')
      return changeOrder(context, orderId, (trx, order) => markArrived(trx, order, context.now))
    },
  }),
  orderStartPreparing: t.field({
    type: OrderPayload,
    args: { input: t.arg({ type: OrderIdInput('OrderStartPreparingInput'), required: true }) },
    authScopes: { staff: true },
    resolve: async (_root, { input }, context) => {
      const orderId = input.orderId.id
      await orderFor(context, orderId, 'STAFF')
      return changeOrder(context, orderId, (trx, order) =>
        startPreparing(trx, order, { actor: actorOf(context), now: context.now }),
      )
    },
  }),
  orderMarkReady: t.field({
    type: OrderPayload,
    args: { input: t.arg({ type: OrderMarkReadyInput, required: true }) },
    authScopes: { staff: true },
    resolve: async (_root, { input }, context) => {
      const orderId = input.orderId.id
      await orderFor(context, orderId, 'STAFF')
      return changeOrder(context, orderId, (trx, order) =>
        markReady(trx, order, {
          actor: actorOf(context),
          now: context.now,
          missing: input.missing ?? [],
          logger: context.logger,
        }),
      )
    },
  }),
  orderCollect: t.field({
    type: OrderPayload,
    description: "Hand over: checks the shopper's code (or scanned pass) and consumes the reserved stock.",
    args: { input: t.arg({ type: OrderCollectInput, required: true }) },
    authScopes: { staff: true },
    resolve: async (_root, { input }, context) => {
      const order = await orderFor(context, input.orderId.id, 'STAFF')
      const proof: PickupProof = input.pickupPass
        ? { pickupPass: input.pickupPass }
        : { pickupCode: input.pickupCode ?? '' }
      const payment = input.payment
        ? await parsePosPayment(context, input.payment, { storeId: order.store_id, currencyCode: order.currency_code })
        : null
      return withUserErrors(async () => {
        await collectOrder(
          { db: context.db, payments: context.payments, pickupSecrets: context.pickupSecrets },
          { order, proof, payment, actor: actorOf(context), now: context.now },
        )
        return { orderId: order.id }
      })
    },
  }),
}))
