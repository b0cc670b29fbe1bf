import { z } from 'zod'
import type { SalesOrderRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { pickupPassInput, quantityInput } from '../../graphql/input-validation.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { cartCredentials } from '../carts/cart.schema.js'
import { PosPaymentInput, parsePosPayment } from '../pos/pos-payment.schema.js'
import { cancelOrderOnRequest } from './cancel-order.service.js'
import { collectOrder } from './collect-order.service.js'
import { Order } from './order.schema.js'
import type { PickupProof } from './order.service.js'
import { findOrderAs, type OrderGrant, orderActorOf } from './order-access.js'
import { announceArrival, markOrderReady, startPreparingOrder } from './order-progress.service.js'
import type { OrderActor } from './order-transition.js'

const OrderPayload = builder.objectRef<Payload<{ orderId: string }>>('OrderPayload').implement({
  description: 'The order after the change, or why nothing changed.',
  fields: (t) => ({
    order: t.field({ type: Order, nullable: true, resolve: (payload) => payload.orderId ?? null }),
    userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
  }),
})

/** Runs one order use case for the caller, who must see the order as `as`; NOT_FOUND otherwise. */
function forOrder(
  context: GraphQLContext,
  orderId: string,
  as: OrderGrant | 'ANY',
  useCase: (order: SalesOrderRow, actor: OrderActor) => Promise<void>,
) {
  return withUserErrors(async () => {
    const order = await findOrderAs(context.db, orderId, cartCredentials(context), as)
    await useCase(order, orderActorOf(context.viewer))
    return { orderId: order.id }
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
    resolve: (_root, { input }, context) =>
      forOrder(context, input.orderId.id, 'ANY', (order, actor) =>
        cancelOrderOnRequest(
          { db: context.db, online: context.payments.online, logger: context.logger },
          { orderId: order.id, actor, now: context.now, reason: input.reason ?? null },
        ),
      ),
  }),
  orderArrive: t.field({
    type: OrderPayload,
    description:
      '"I\'m here": the order moves to the top of the store\'s board, with the time the customer has waited.',
    args: { input: t.arg({ type: OrderArriveInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const passOrderId = input.pickupPass ? context.pickupSecrets.verifyPickupPass(input.pickupPass) : null
      if (input.pickupPass && !passOrderId) {
        return {
          userErrors: [
            { code: 'INVALID_PICKUP_CODE' as const, field: ['pickupPass'], message: 'This pickup pass is not valid.' },
          ],
        }
      }
      // A scanned pass is accepted from the store's own staff or kiosk; an order id from its shopper too.
      return forOrder(context, passOrderId ?? input.orderId?.id ?? '', passOrderId ? 'STAFF' : 'ANY', (order) =>
        announceArrival(context.db, { orderId: order.id, now: context.now }),
      )
    },
  }),
  orderStartPreparing: t.field({
    type: OrderPayload,
    args: { input: t.arg({ type: OrderIdInput('OrderStartPreparingInput'), required: true }) },
    authScopes: { staff: true },
    resolve: (_root, { input }, context) =>
      forOrder(context, input.orderId.id, 'STAFF', (order, actor) =>
        startPreparingOrder(context.db, { orderId: order.id, actor, now: context.now }),
      ),
  }),
  orderMarkReady: t.field({
    type: OrderPayload,
    args: { input: t.arg({ type: OrderMarkReadyInput, required: true }) },
    authScopes: { staff: true },
    resolve: (_root, { input }, context) =>
      forOrder(context, input.orderId.id, 'STAFF', (order, actor) =>
        markOrderReady(context.db, {
          orderId: order.id,
          actor,
          now: context.now,
          missing: input.missing ?? [],
          logger: context.logger,
        }),
      ),
  }),
  orderCollect: t.field({
    type: OrderPayload,
    description: "Hand over: checks the shopper's code (or scanned pass) and consumes the reserved stock.",
    args: { input: t.arg({ type: OrderCollectInput, required: true }) },
    authScopes: { staff: true },
    resolve: (_root, { input }, context) =>
      forOrder(context, input.orderId.id, 'STAFF', async (order, actor) => {
        const proof: PickupProof = input.pickupPass
          ? { pickupPass: input.pickupPass }
          : { pickupCode: input.pickupCode ?? '' }
        const sale = { storeId: order.store_id, currencyCode: order.currency_code }
        const payment = input.payment ? await parsePosPayment(context, input.payment, sale) : null
        await collectOrder(
          { db: context.db, payments: context.payments, pickupSecrets: context.pickupSecrets },
          { order, proof, payment, actor, now: context.now },
        )
      }),
  }),
}))
