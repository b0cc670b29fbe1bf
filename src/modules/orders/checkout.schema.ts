import { z } from 'zod'
import { inTransaction } from '../../db/transaction.js'
import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { UserError } from '../../graphql/user-errors.js'
import { Cart, cartCredentials } from '../carts/cart.schema.js'
import { findCartViews } from '../carts/cart.service.js'
import { InsufficientStockError } from '../inventory/inventory.errors.js'
import { BusinessError, type UserErrorEntry } from '../shared/business-error.js'
import { Store } from '../stores/store.schema.js'
import { findStore, findStoresPage, type StoreView } from '../stores/store.service.js'
import { placeOrder } from './checkout.service.js'
import { Order } from './order.schema.js'
import { confirmPayment, lockOrder } from './order.service.js'

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
  }),
})

interface CheckoutPayload {
  orderId: string | null
  pickupCode: string | null
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
    order: t.field({ type: Order, nullable: true, resolve: (payload) => payload.orderId }),
    pickupCode: t.string({
      nullable: true,
      description: 'Six digits to give at the counter. Returned once; a retried checkout returns null.',
      resolve: (payload) => payload.pickupCode,
    }),
    payment: t.field({
      type: PaymentStart,
      nullable: true,
      resolve: (payload) => (payload.orderId ? { clientSecret: null } : null),
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
        const placed = await inTransaction(context.db, (trx) =>
          placeOrder(trx, {
            cartId,
            credentials: cartCredentials(context),
            storeId,
            pickupSlotStart: input.pickupSlotStart,
            paymentMode: input.paymentMode,
            idempotencyKey: input.idempotencyKey,
            now: context.now,
            paymentTimeoutMinutes: context.orders.paymentTimeoutMinutes,
            secrets: context.pickupSecrets,
          }),
        )
        if (input.paymentMode === 'ONLINE' && !placed.replayed) await authorizeOffline(context, placed.orderId)
        return { orderId: placed.orderId, pickupCode: placed.pickupCode, alternativeStores: [], userErrors: [] }
      } catch (error) {
        if (!(error instanceof BusinessError)) throw error
        const alternatives =
          error instanceof InsufficientStockError ? await alternativeStores(context, cartId, storeId) : []
        return { orderId: null, pickupCode: null, alternativeStores: alternatives, userErrors: error.userErrors() }
      }
    },
  }),
}))

/**
 * The online payment seam. Until a card provider is configured, payment is authorised at once
 * (the offline provider of the demo setup), after the checkout has committed: no network call
 * ever runs while stock rows are locked.
 */
async function authorizeOffline(context: GraphQLContext, orderId: string): Promise<void> {
  await inTransaction(context.db, async (trx) => {
    const order = await lockOrder(trx, orderId)
    if (order?.status === 'PENDING_PAYMENT') await confirmPayment(trx, order, context.now)
  })
}
