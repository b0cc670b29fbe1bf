import { Hono } from 'hono'
import { z } from 'zod'
import type { PickupSecrets } from '../src/auth/pickup-secrets.js'
import { anonymous } from '../src/auth/viewer.js'
import type { Db } from '../src/db/create-db.js'
import { type CartView, cartTotals } from '../src/modules/carts/cart.js'
import { createCart } from '../src/modules/carts/cart.service.js'
import { addLines } from '../src/modules/carts/cart-lines.service.js'
import * as catalogRepository from '../src/modules/catalog/catalog.repository.js'
import { KEYLESS_ORIGIN } from '../src/modules/channels/request-origin.js'
import { type PlacedOrder, placeOrder } from '../src/modules/checkout/checkout.service.js'
import { availabilityOf, levelKey } from '../src/modules/inventory/inventory.js'
import { findAvailableQuantities } from '../src/modules/inventory/inventory.service.js'
import { findOrderViews } from '../src/modules/orders/order.service.js'
import { grantOrderAccess } from '../src/modules/orders/order-access.js'
import { ensureOnlineAuthorization } from '../src/modules/payments/payment.service.js'
import type { OnlinePaymentProvider } from '../src/modules/payments/payment-provider.js'
import { BusinessError } from '../src/modules/shared/business-error.js'
import { formatMinorUnits } from '../src/modules/shared/money.js'
import { findStore, findStoresPage } from '../src/modules/stores/store.service.js'

/**
 * The same reads as the GraphQL listings, without GraphQL: same repository and service calls,
 * same SQL (including the connections' extra "is there a next page" row) and a response body of
 * the same shape, so that the benchmark measures only what the GraphQL layer adds.
 */
export function bareRoutes(
  db: Db,
  options: { pickupSecrets: PickupSecrets; paymentTimeoutMinutes: number; payments: OnlinePaymentProvider },
) {
  return new Hono()
    .get('/products', async (c) => {
      const query = productsQuery.safeParse(c.req.query())
      if (!query.success) return c.json({ error: query.error.issues[0]?.message ?? 'bad query' }, 400)
      const { storeId, first } = query.data

      const rows = await catalogRepository.findProductsPage(db, {
        search: null,
        categoryId: null,
        afterSlug: null,
        beforeSlug: null,
        limit: first + 1,
        descending: false,
      })
      const products = rows.slice(0, first)
      const variants = await catalogRepository.findActiveVariantsByProductIds(
        db,
        products.map((product) => product.id),
      )
      // Like the availability loader: the store and the levels in parallel, after the variants.
      const [store, available] = await Promise.all([
        findStore(db, storeId),
        findAvailableQuantities(
          db,
          [storeId],
          variants.map((variant) => variant.id),
        ),
      ])
      if (!store) return c.json({ error: 'store not found' }, 404)

      const edges = products.map((product) => ({
        node: {
          id: globalId('Product', product.id),
          title: product.title,
          variants: variants
            .filter((variant) => variant.product_id === product.id)
            .map((variant) => ({
              sku: variant.sku,
              price: {
                amount: formatMinorUnits({ amountMinor: variant.price_minor, currencyCode: variant.currency_code }),
                currencyCode: variant.currency_code,
              },
              availability: availabilityOf(
                available.get(levelKey(storeId, variant.id)) ?? 0,
                store.low_stock_threshold,
              ),
            })),
        },
      }))
      return c.json({ data: { products: { edges } } })
    })
    .post('/cart-lines', async (c) => {
      const body = cartLinesBody.safeParse(await c.req.json().catch(() => null))
      if (!body.success) return c.json({ error: body.error.issues[0]?.message ?? 'bad body' }, 400)
      const { cartId, variantId, quantity } = body.data
      const credentials = { viewer: anonymous, cartToken: c.req.header('x-cart-token') ?? null }
      try {
        const cart = await addLines(db, {
          cartId,
          credentials,
          channel: null,
          device: null,
          storefrontId: null,
          lines: [{ variantId, quantity }],
          now: new Date(),
        })
        return c.json({ data: { cartLinesAdd: { cart: cartShape(cart), userErrors: [] } } })
      } catch (error) {
        if (error instanceof BusinessError)
          return c.json({ data: { cartLinesAdd: { cart: null, userErrors: error.userErrors() } } })
        throw error
      }
    })
    .post('/cart-create', async (c) => {
      const body = cartCreateBody.safeParse(await c.req.json().catch(() => null))
      if (!body.success) return c.json({ error: body.error.issues[0]?.message ?? 'bad body' }, 400)
      try {
        const { cart, cartToken } = await createCart(db, {
          viewer: anonymous,
          channel: 'WEB',
          device: null,
          storefrontId: null,
          lines: body.data.lines,
          pickupStoreId: null,
          now: new Date(),
        })
        return c.json({ data: { cartCreate: { cart: cartShape(cart), cartToken, userErrors: [] } } })
      } catch (error) {
        if (error instanceof BusinessError)
          return c.json({ data: { cartCreate: { cart: null, cartToken: null, userErrors: error.userErrors() } } })
        throw error
      }
    })
    .post('/checkout', async (c) => {
      const body = checkoutBody.safeParse(await c.req.json().catch(() => null))
      if (!body.success) return c.json({ error: body.error.issues[0]?.message ?? 'bad body' }, 400)
      const credentials = { viewer: anonymous, cartToken: c.req.header('x-cart-token') ?? null }
      let placed: PlacedOrder
      try {
        placed = await placeOrder(db, {
          ...body.data,
          credentials,
          now: new Date(),
          paymentTimeoutMinutes: options.paymentTimeoutMinutes,
          origin: KEYLESS_ORIGIN,
          secrets: options.pickupSecrets,
        })
      } catch (error) {
        if (error instanceof BusinessError)
          return c.json({
            data: { checkoutPlaceOrder: { order: null, pickupCode: null, userErrors: error.userErrors() } },
          })
        throw error
      }
      // Like the resolver: the order as committed when this call placed it; a replay loads it
      // the Order node's way, then checks the shopper's right to see it.
      const [order] = placed.order ? [placed.order] : await findOrderViews(db, [placed.orderId])
      if (!order || (!placed.order && !(await grantOrderAccess(db, order, credentials))))
        return c.json({ error: 'order not found' }, 404)
      return c.json({
        data: {
          checkoutPlaceOrder: {
            order: { id: globalId('Order', order.id), number: order.number, status: order.status },
            pickupCode: placed.pickupCode,
            userErrors: [],
          },
        },
      })
    })
    .post('/checkout-online', async (c) => {
      const body = onlineCheckoutBody.safeParse(await c.req.json().catch(() => null))
      if (!body.success) return c.json({ error: body.error.issues[0]?.message ?? 'bad body' }, 400)
      const credentials = { viewer: anonymous, cartToken: c.req.header('x-cart-token') ?? null }
      const now = new Date()
      const failed = (userErrors: unknown) =>
        c.json({ data: { checkoutPlaceOrder: { order: null, pickupCode: null, payment: null, userErrors } } })
      let placed: PlacedOrder
      try {
        placed = await placeOrder(db, {
          ...body.data,
          credentials,
          now,
          paymentTimeoutMinutes: options.paymentTimeoutMinutes,
          origin: KEYLESS_ORIGIN,
          secrets: options.pickupSecrets,
        })
      } catch (error) {
        if (error instanceof BusinessError) return failed(error.userErrors())
        throw error
      }
      // Like the resolver: after the commit, the order, then the processor's authorisation.
      const [placedOrder] = placed.order ? [placed.order] : await findOrderViews(db, [placed.orderId])
      if (!placedOrder) throw new Error(`order ${placed.orderId} vanished after checkout`)
      let clientSecret: string | null = null
      let userErrors: unknown[] = []
      try {
        const authorization = await ensureOnlineAuthorization(db, options.payments, placedOrder, now)
        clientSecret = authorization.clientSecret
      } catch (error) {
        if (!(error instanceof BusinessError)) throw error
        userErrors = error.userErrors()
      }
      // Like the Order node's loader: the order (now as the authorisation left it), then access.
      const [order] = await findOrderViews(db, [placed.orderId])
      if (!order || !(await grantOrderAccess(db, order, credentials))) return c.json({ error: 'order not found' }, 404)
      return c.json({
        data: {
          checkoutPlaceOrder: {
            order: { id: globalId('Order', order.id), number: order.number, status: order.status },
            pickupCode: placed.pickupCode,
            payment: { clientSecret },
            userErrors,
          },
        },
      })
    })
    .get('/stores', async (c) => {
      const query = storesQuery.safeParse(c.req.query())
      if (!query.success) return c.json({ error: query.error.issues[0]?.message ?? 'bad query' }, 400)
      const { lat, lon, lines, first } = query.data

      const stores = await findStoresPage(db, {
        near: { latitude: lat, longitude: lon },
        radiusKm: null,
        availableFor: lines,
        limit: first + 1,
        offset: 0,
      })
      const edges = stores.slice(0, first).map((store) => ({
        node: {
          id: globalId('Store', store.id),
          code: store.code,
          distanceKm: store.distanceKm === null ? null : roundKm(store.distanceKm),
          canFulfill: store.canFulfill,
        },
      }))
      return c.json({ data: { stores: { edges } } })
    })
}

const cartLinesBody = z.object({ cartId: z.uuid(), variantId: z.uuid(), quantity: z.number().int().min(1).max(999) })

const cartCreateBody = z.object({
  lines: z.array(z.object({ variantId: z.uuid(), quantity: z.number().int().min(1).max(99) })).max(100),
})

/** The fields the cart scenarios ask GraphQL for. */
function cartShape(cart: CartView) {
  return {
    id: globalId('Cart', cart.id),
    itemCount: cart.lines.reduce((sum, line) => sum + line.quantity, 0),
    subtotal: { amountMinor: cartTotals(cart).subtotalMinor },
    lines: cart.lines.map((line) => ({ quantity: line.quantity })),
  }
}

const checkoutBody = z.object({
  cartId: z.uuid(),
  storeId: z.uuid(),
  pickupSlotStart: z.iso.datetime().transform((text) => new Date(text)),
  // Pay at pickup only: an online checkout also authorises its payment after the commit.
  paymentMode: z.literal('AT_PICKUP'),
  idempotencyKey: z.string().min(8).max(100),
})

/** The same with the card paid online: the route also authorises the payment after the commit. */
const onlineCheckoutBody = checkoutBody.extend({ paymentMode: z.literal('ONLINE') })

const pageSize = z.coerce.number().int().min(1).max(100)

const productsQuery = z.object({ storeId: z.uuid(), first: pageSize.default(20) })

/** "uuid:qty,uuid:qty" → quantity lines, or null when absent. */
const quantityLines = z
  .string()
  .transform((text) =>
    text.split(',').map((pair) => {
      const [variantId = '', quantity = ''] = pair.split(':')
      return { variantId, quantity: Number(quantity) }
    }),
  )
  .pipe(
    z
      .array(z.object({ variantId: z.uuid(), quantity: z.number().int().min(1).max(999) }))
      .min(1)
      .max(100),
  )

const storesQuery = z.object({
  lat: z.coerce.number().min(-90).max(90),
  lon: z.coerce.number().min(-180).max(180),
  lines: quantityLines.optional().transform((lines) => lines ?? null),
  first: pageSize.default(10),
})

/** Relay global ID, as Pothos encodes it: base64 of "Type:id". */
function globalId(typename: string, id: string): string {
  return Buffer.from(`${typename}:${id}`).toString('base64')
}

/** Same rounding as Store.distanceKm in the GraphQL schema. */
function roundKm(km: number): number {
  return Math.round(km * 1000) / 1000
}
