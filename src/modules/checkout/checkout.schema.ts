import { z } from 'zod'
import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { UserError } from '../../graphql/user-errors.js'
import { Cart, cartCredentials } from '../carts/cart.schema.js'
import { findCartViews } from '../carts/cart.service.js'
import { InsufficientStockError } from '../inventory/inventory.errors.js'
import type { OrderView } from '../orders/order.js'
import { Order } from '../orders/order.schema.js'
import { findOrderViews } from '../orders/order.service.js'
import { placerSeesOrder } from '../orders/order-access.js'
import { ensureOnlineAuthorization } from '../payments/payment.service.js'
import { BusinessError, type UserErrorEntry } from '../shared/business-error.js'
import { Store } from '../stores/store.schema.js'
import { findStore, findStoresPage, type StoreView } from '../stores/store.service.js'
import { placeOrder } from './checkout.service.js'

const CheckoutPaymentMode = builder.enumType('CheckoutPaymentMode', { values: ['ONLINE', 'AT_PICKUP'] as const })

const CheckoutPlaceOrderInput = builder.inputType('CheckoutPlaceOrderInput', {
  fields: (t) => ({
    cartId: t.globalID({ required: true, for: Cart }),
    storeId: t.globalID({ required: true, for: Store }),
    pickupSlotStart: t.field({ type: 'DateTime', required: true }),
    paymentMode: t.field({ type: CheckoutPaymentMode, required: true }),
    idempotencyKey: t.string({
      required: true,
      description: 'Chosen by the client per checkout attempt; a retry with the same key returns the same order.',
      validate: z.string().min(8).max(100),
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

const ALTERNATIVES = 3

/** The nearest other stores with every line of the cart in stock. */
async function alternativeStores(context: GraphQLContext, cartId: string, storeId: string): Promise<StoreView[]> {
  const [cart, store] = await Promise.all([findCartViews(context.db, [cartId]), findStore(context.db, storeId)])
  if (!cart[0] || !store) return []
  const candidates = await findStoresPage(context.db, {
    near: { latitude: store.latitude, longitude: store.longitude },
    radiusKm: null,
    availableFor: cart[0].lines.map((line) => ({ variantId: line.variant_id, quantity: line.quantity })),
    limit: 50,
    offset: 0,
  })
  return candidates.filter((candidate) => candidate.canFulfill && candidate.id !== storeId).slice(0, ALTERNATIVES)
}

builder.mutationFields((t) => ({
  checkoutPlaceOrder: t.field({
    type: CheckoutPlaceOrderPayload,
    args: { input: t.arg({ type: CheckoutPlaceOrderInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const cartId = input.cartId.id
      const storeId = input.storeId.id
      try {
        const placed = await placeOrder(context.db, {
          cartId,
          credentials: cartCredentials(context),
          storeId,
          pickupSlotStart: input.pickupSlotStart,
          paymentMode: input.paymentMode,
          idempotencyKey: input.idempotencyKey,
          contactEmail: input.email ?? null,
          now: context.now,
          paymentTimeoutMinutes: context.orders.paymentTimeoutMinutes,
          secrets: context.pickupSecrets,
        })
        const placedResult = {
          orderId: placed.orderId,
          // Paid online, the order may move on with its payment below: then it is read afresh.
          placed: input.paymentMode === 'ONLINE' ? null : placed.order,
          pickupCode: placed.order && placerSeesOrder(placed.order, context.viewer) ? placed.pickupCode : null,
          alternativeStores: [],
        }
        if (input.paymentMode !== 'ONLINE') return { ...placedResult, clientSecret: null, userErrors: [] }
        // After the commit: no network call is ever made while stock rows are locked.
        const [order] = placed.order ? [placed.order] : await findOrderViews(context.db, [placed.orderId])
        if (!order) throw new Error(`order ${placed.orderId} vanished after checkout`)
        try {
          const { clientSecret } = await ensureOnlineAuthorization(
            context.db,
            context.payments.online,
            order,
            context.now,
          )
          return { ...placedResult, clientSecret, userErrors: [] }
        } catch (error) {
          // The order exists and holds its stock until the payment timeout; the same key retries.
          if (!(error instanceof BusinessError)) throw error
          return { ...placedResult, clientSecret: null, userErrors: error.userErrors() }
        }
      } catch (error) {
        if (!(error instanceof BusinessError)) throw error
        const alternatives =
          error instanceof InsufficientStockError ? await alternativeStores(context, cartId, storeId) : []
        return {
          orderId: null,
          pickupCode: null,
          clientSecret: null,
          alternativeStores: alternatives,
          userErrors: error.userErrors(),
        }
      }
    },
  }),
}))
