import type { Db } from '../../db/create-db.js'
import { findCartViews } from '../carts/cart.service.js'
import { writeOriginOf } from '../channels/request-origin.js'
import { InsufficientStockError } from '../inventory/inventory.errors.js'
import type { OrderView } from '../orders/order.js'
import { findOrderViews } from '../orders/order.service.js'
import { ensureOnlineAuthorization } from '../payments/payment.service.js'
import type { OnlinePaymentProvider } from '../payments/payment-provider.js'
import { BusinessError } from '../shared/business-error.js'
import { findStore, findStoresPage, type StoreView } from '../stores/store.service.js'
import { placeOrder } from './checkout.service.js'
import type { PlacedOrder, PlaceOrderInput } from './checkout-plan.js'

export type CheckoutOutcome =
  | {
      kind: 'PLACED'
      placed: PlacedOrder
      /** For the provider's client SDK, when the shopper must confirm the card. */
      clientSecret: string | null
      /** The order is placed and holds its stock until the payment timeout; the same key retries. */
      paymentRefused: BusinessError | null
    }
  | {
      kind: 'REFUSED'
      refusal: BusinessError
      /** When stock is short: the nearest stores that can fulfil the whole cart. */
      alternativeStores: StoreView[]
    }

/**
 * A shopper's checkout: the order is placed (stock, slot and number claimed, committed), then,
 * paid online, its payment is authorised. The provider is called only after the commit, so no
 * network call is ever made while stock rows are locked.
 */
export async function checkoutCart(
  db: Db,
  input: PlaceOrderInput,
  onlinePayments: OnlinePaymentProvider,
): Promise<CheckoutOutcome> {
  let placed: PlacedOrder
  try {
    // A keyless checkout is refused here when REQUIRE_STOREFRONT_KEY is on.
    writeOriginOf(input.origin, null)
    placed = await placeOrder(db, input)
  } catch (error) {
    if (!(error instanceof BusinessError)) throw error
    const alternatives =
      error instanceof InsufficientStockError ? await alternativeStores(db, input.cartId, input.storeId) : []
    return { kind: 'REFUSED', refusal: error, alternativeStores: alternatives }
  }
  if (input.paymentMode !== 'ONLINE') return { kind: 'PLACED', placed, clientSecret: null, paymentRefused: null }
  const order = await placedOrderView(db, placed)
  try {
    const { clientSecret } = await ensureOnlineAuthorization(db, onlinePayments, order, input.now)
    return { kind: 'PLACED', placed, clientSecret, paymentRefused: null }
  } catch (error) {
    if (!(error instanceof BusinessError)) throw error
    return { kind: 'PLACED', placed, clientSecret: null, paymentRefused: error }
  }
}

/** The order as committed by this call, or as stored when a retry found it. */
async function placedOrderView(db: Db, placed: PlacedOrder): Promise<OrderView> {
  const [order] = placed.order ? [placed.order] : await findOrderViews(db, [placed.orderId])
  if (!order) throw new Error(`order ${placed.orderId} vanished after checkout`)
  return order
}

const ALTERNATIVES = 3

/** The nearest other stores with every line of the cart in stock. */
async function alternativeStores(db: Db, cartId: string, storeId: string): Promise<StoreView[]> {
  const [cart, store] = await Promise.all([findCartViews(db, [cartId]), findStore(db, storeId)])
  if (!cart[0] || !store) return []
  const candidates = await findStoresPage(db, {
    near: { latitude: store.latitude, longitude: store.longitude },
    radiusKm: null,
    availableFor: cart[0].lines.map((line) => ({ variantId: line.variant_id, quantity: line.quantity })),
    limit: 50,
    offset: 0,
  })
  return candidates.filter((candidate) => candidate.canFulfill && candidate.id !== storeId).slice(0, ALTERNATIVES)
}
