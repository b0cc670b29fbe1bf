import { z } from 'zod'
import type { Viewer } from '../../auth/viewer.js'
import { builder } from '../../graphql/builder.js'
import { UserError } from '../../graphql/user-errors.js'
import { Cart, cartCredentials } from '../carts/cart.schema.js'
import type { OrderView } from '../orders/order.js'
import { Order } from '../orders/order.schema.js'
import { placerSeesOrder } from '../orders/order-access.js'
import type { UserErrorEntry } from '../shared/business-error.js'
import { Store } from '../stores/store.schema.js'
import type { StoreView } from '../stores/store.service.js'
import { PickupChoiceConflictError } from './checkout.errors.js'
import { type CheckoutOutcome, checkoutCart } from './place-order.service.js'

const CheckoutPaymentMode = builder.enumType('CheckoutPaymentMode', { values: ['ONLINE', 'AT_PICKUP'] as const })

const CheckoutPlaceOrderInput = builder.inputType('CheckoutPlaceOrderInput', {
  fields: (t) => ({
    cartId: t.globalID({ required: true, for: Cart }),
    storeId: t.globalID({ required: true, for: Store }),
    pickupSlotStart: t.field({
      type: 'DateTime',
      description: 'The slot chosen; give it or pickupAsap, not both.',
    }),
    pickupAsap: t.boolean({
      description:
        "The earliest slot with a place left that the store's ready-time estimate allows (Store.estimatedReadyAt); instead of pickupSlotStart.",
    }),
    paymentMode: t.field({ type: CheckoutPaymentMode, required: true }),
    idempotencyKey: t.string({
      required: true,
      description: 'Chosen by the client per checkout attempt; a retry with the same key returns the same order.',
      validate: z.string().min(8).max(100),
    }),
    giftCardCodes: t.stringList({
      description:
        'Gift cards paying first, in this order (at most five); the card online, or the counter at pickup, pays the rest.',
      validate: z.array(z.string().min(1).max(64)),
    }),
    email: t.string({
      description:
        'Where to say the order is ready. Needed for a guest to be told; a signed-in customer is told at their account email when omitted.',
      validate: z.email().max(254),
    }),
  }),
})

interface CheckoutPayload {
  orderId: string | null
  /** The order as committed, when this call placed it: the shopper who placed it may see it. */
  placed?: OrderView | null
  pickupCode: string | null
  /** For the payment provider's client SDK, when the shopper must confirm the card. */
  clientSecret: string | null
  alternativeStores: StoreView[]
  userErrors: UserErrorEntry[]
}

const PaymentStart = builder.objectRef<{ clientSecret: string | null }>('CheckoutPayment').implement({
  fields: (t) => ({
    clientSecret: t.string({
      nullable: true,
      description: 'For the payment provider’s client SDK when it needs the shopper; null when already settled.',
      resolve: (payment) => payment.clientSecret,
    }),
  }),
})

const CheckoutPlaceOrderPayload = builder.objectRef<CheckoutPayload>('CheckoutPlaceOrderPayload').implement({
  fields: (t) => ({
    order: t.field({
      type: Order,
      nullable: true,
      resolve: (payload, _args, context) =>
        payload.placed && placerSeesOrder(payload.placed, context.viewer)
          ? { ...payload.placed, grant: 'SHOPPER' as const }
          : payload.orderId,
    }),
    pickupCode: t.string({
      nullable: true,
      description:
        "Six digits to give at the counter. Returned once: null on a retried checkout, and for a customer's order placed by a caller not signed in as them.",
      resolve: (payload) => payload.pickupCode,
    }),
    payment: t.field({
      type: PaymentStart,
      nullable: true,
      resolve: (payload) => (payload.orderId ? { clientSecret: payload.clientSecret } : null),
    }),
    alternativeStores: t.field({
      type: [Store],
      description: 'When stock is short: the nearest stores that can fulfil the whole cart.',
      resolve: (payload) => payload.alternativeStores,
    }),
    userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
  }),
})

/** The outcome as the mutation answers it: the pickup code only for the shopper who placed the order. */
function payloadOf(outcome: CheckoutOutcome, viewer: Viewer): CheckoutPayload {
  if (outcome.kind === 'REFUSED') {
    const { refusal, alternativeStores } = outcome
    return { orderId: null, pickupCode: null, clientSecret: null, alternativeStores, userErrors: refusal.userErrors() }
  }
  const { placed, clientSecret, paymentRefused } = outcome
  return {
    orderId: placed.orderId,
    // Paid online, the order may have moved on with its payment: then it is read afresh.
    placed: placed.order?.payment_mode === 'ONLINE' ? null : placed.order,
    pickupCode: placed.order && placerSeesOrder(placed.order, viewer) ? placed.pickupCode : null,
    clientSecret,
    alternativeStores: [],
    userErrors: paymentRefused?.userErrors() ?? [],
  }
}

/** A slot or ASAP, exactly one of them. */
function pickupChoiceOf(slotStart: Date | null | undefined, asap: boolean | null | undefined) {
  if (asap && slotStart) return new PickupChoiceConflictError()
  if (asap) return 'ASAP' as const
  return slotStart ?? new PickupChoiceConflictError()
}

builder.mutationFields((t) => ({
  checkoutPlaceOrder: t.field({
    type: CheckoutPlaceOrderPayload,
    args: { input: t.arg({ type: CheckoutPlaceOrderInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const pickup = pickupChoiceOf(input.pickupSlotStart, input.pickupAsap)
      if (pickup instanceof PickupChoiceConflictError) {
        return {
          orderId: null,
          pickupCode: null,
          clientSecret: null,
          alternativeStores: [],
          userErrors: pickup.userErrors(),
        }
      }
      const request = {
        cartId: input.cartId.id,
        credentials: cartCredentials(context),
        storeId: input.storeId.id,
        pickupSlotStart: pickup,
        paymentMode: input.paymentMode,
        idempotencyKey: input.idempotencyKey,
        contactEmail: input.email ?? null,
        giftCardCodes: input.giftCardCodes ?? [],
        origin: context.origin,
        now: context.now,
        paymentTimeoutMinutes: context.orders.paymentTimeoutMinutes,
        secrets: context.pickupSecrets,
      }
      return payloadOf(await checkoutCart(context.db, request, context.payments.online), context.viewer)
    },
  }),
}))
