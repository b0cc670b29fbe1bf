import { setTimeout as delay } from 'node:timers/promises'
import { isDeepStrictEqual } from 'node:util'
import type { BenchCart } from './cart-fixture.js'
import type { CheckoutCart, CheckoutStore } from './checkout-fixture.js'
import type { HttpRequest, Load, RunStats } from './measure.js'
import type { ScenarioKey } from './options.js'

/**
 * A load made afresh for every run, for requests that may be sent only once (a cart is checked
 * out once; sent again it would be a cheap idempotent replay that flatters the numbers).
 */
export interface FreshLoad {
  /** Makes `count` new requests; not timed. */
  prepare(count: number): Promise<PreparedRun>
}

export interface PreparedRun {
  load: Load
  /**
   * After the run, once the server has finished every request it received: whether the run did
   * what it claims (e.g. one new order per 2xx), with the numbers.
   */
  verify(stats: RunStats): Promise<RunCheck>
}

export interface RunCheck {
  ok: boolean
  summary: string
}

export function isFreshLoad(load: Load | FreshLoad): load is FreshLoad {
  return 'prepare' in load
}

/** One GraphQL request and the bare route that serves the same data. */
export interface Scenario {
  /** What --only selects it by. */
  key: ScenarioKey
  name: string
  graphql: Load | FreshLoad
  bare: Load | FreshLoad
  /**
   * Given both parsed bodies (already known to be 200s, the GraphQL one without `errors`),
   * throws when they disagree; returns a short description of what was checked.
   */
  check(graphql: unknown, bare: unknown): string
}

/** Real rows of the seeded database that the scenarios ask about. */
export interface Fixture {
  storeId: string
  variantIds: readonly string[]
  /** Variants the cart scenario adds, one unit at a time. */
  cartVariantIds: readonly string[]
  /** Separate carts for each side, so both start from the same state. */
  graphqlCarts: readonly BenchCart[]
  bareCarts: readonly BenchCart[]
  checkout: CheckoutFixture
  /** A store with overrides on every listed variant, and one with none (see price-fixture.ts). */
  pricedStores: { overridden: string; plain: string }
}

/** What the checkout scenarios need: a store ready to take every order, and a cart factory. */
export interface CheckoutFixture {
  store: CheckoutStore
  createCarts(variantIds: readonly string[], count: number): Promise<CheckoutCart[]>
  countOrders(carts: readonly CheckoutCart[]): Promise<number>
  /** The STRIPE payments of these carts' orders, and how many match an intent on the fake Stripe. */
  countOnlinePayments(carts: readonly CheckoutCart[]): Promise<OnlinePaymentCount>
  /** Requests the autocannon connections may have in flight when a run ends. */
  connections: number
}

export interface OnlinePaymentCount {
  /** Payment rows with provider STRIPE. */
  payments: number
  /**
   * Of those, the ones waiting for the shopper (REQUIRES_ACTION) whose provider_ref names an
   * intent the fake Stripe created for that payment (metadata.payment_id).
   */
  matched: number
}

export const NEAR = { latitude: 48.8606, longitude: 2.3376 }

export function scenarios(fixture: Fixture): Scenario[] {
  const lines = fixture.variantIds.map((variantId) => ({ variantId, quantity: 1 }))
  const createdLines = fixture.cartVariantIds.slice(0, 2).map((variantId) => ({ variantId, quantity: 1 }))
  return [
    {
      key: 'products',
      name: 'products(first: 20) + availability',
      graphql: graphqlRequest(
        `query Products($storeId: ID!) {
          products(first: 20) {
            edges { node { id title variants {
              sku
              price { amount currencyCode }
              availability(storeId: $storeId) { available status }
            } } }
          }
        }`,
        { storeId: globalId('Store', fixture.storeId) },
      ),
      bare: { method: 'GET', path: `/bare/products?storeId=${fixture.storeId}&first=20` },
      check: sameData('products', 'products'),
    },
    {
      // Both sides are the same GraphQL page; the "bare" columns are the store without overrides,
      // so the ratio is what overrides cost a priced listing (target ≥ 0.9).
      key: 'products-priced',
      name: 'products(first: 20) priced for a store with overrides ÷ the same page for a store without',
      graphql: pricedListing(fixture.pricedStores.overridden),
      bare: pricedListing(fixture.pricedStores.plain),
      check: samePagePricedApart,
    },
    {
      key: 'stores',
      name: 'stores(near, availableFor, first: 10)',
      graphql: graphqlRequest(
        `query Stores($near: GeoPointInput!, $lines: [CartLineInput!]!) {
          stores(near: $near, availableFor: $lines, first: 10) {
            edges { node { id code distanceKm canFulfill } }
          }
        }`,
        { near: NEAR, lines: lines.map((line) => ({ ...line, variantId: globalId('Variant', line.variantId) })) },
      ),
      bare: {
        method: 'GET',
        path: `/bare/stores?lat=${NEAR.latitude}&lon=${NEAR.longitude}&lines=${lines
          .map((line) => `${line.variantId}:${line.quantity}`)
          .join(',')}`,
      },
      check: sameData('stores', 'stores'),
    },
    {
      key: 'cart-lines',
      name: 'cartLinesAdd (1 unit, 750 carts × variants)',
      graphql: fixture.graphqlCarts.flatMap((cart) =>
        fixture.cartVariantIds.map((variantId) => ({
          ...graphqlRequest(
            `mutation Add($input: CartLinesAddInput!) {
              cartLinesAdd(input: $input) {
                cart { id itemCount subtotal { amountMinor } lines { quantity } }
                userErrors { code }
              }
            }`,
            {
              input: {
                cartId: globalId('Cart', cart.cartId),
                lines: [{ variantId: globalId('Variant', variantId), quantity: 1 }],
              },
            },
          ),
          headers: { 'content-type': 'application/json', 'x-cart-token': cart.cartToken },
        })),
      ),
      bare: fixture.bareCarts.flatMap((cart) =>
        fixture.cartVariantIds.map((variantId) => ({
          method: 'POST' as const,
          path: '/bare/cart-lines',
          headers: { 'content-type': 'application/json', 'x-cart-token': cart.cartToken },
          body: JSON.stringify({ cartId: cart.cartId, variantId, quantity: 1 }),
        })),
      ),
      check: sameCartShape,
    },
    {
      key: 'cart-create',
      name: 'cartCreate (2 lines, a new cart each)',
      graphql: graphqlRequest(
        `mutation Create($input: CartCreateInput!) {
          cartCreate(input: $input) {
            cart { id itemCount subtotal { amountMinor } lines { quantity } }
            cartToken
            userErrors { code }
          }
        }`,
        {
          input: {
            channel: 'WEB',
            lines: createdLines.map((line) => ({ ...line, variantId: globalId('Variant', line.variantId) })),
          },
        },
      ),
      bare: {
        method: 'POST',
        path: '/bare/cart-create',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ lines: createdLines }),
      },
      check: sameNewCart,
    },
    {
      key: 'checkout-distinct',
      name: 'checkout, distinct SKUs',
      graphql: checkoutLoad(fixture.checkout, 'graphql', fixture.checkout.store.distinctVariantIds),
      bare: checkoutLoad(fixture.checkout, 'bare', fixture.checkout.store.distinctVariantIds),
      check: samePlacedOrder,
    },
    {
      key: 'checkout-hot',
      name: 'checkout, hot SKU',
      graphql: checkoutLoad(fixture.checkout, 'graphql', [fixture.checkout.store.hotVariantId]),
      bare: checkoutLoad(fixture.checkout, 'bare', [fixture.checkout.store.hotVariantId]),
      check: samePlacedOrder,
    },
    {
      // Distinct SKUs, so that it measures the payment round trip rather than the hot row.
      key: 'checkout-online',
      name: 'checkout ONLINE (Stripe, fake server)',
      graphql: checkoutLoad(fixture.checkout, 'graphql', fixture.checkout.store.distinctVariantIds, 'ONLINE'),
      bare: checkoutLoad(fixture.checkout, 'bare', fixture.checkout.store.distinctVariantIds, 'ONLINE'),
      check: samePendingOnlineOrder,
    },
  ]
}

export const CHECKOUT = `mutation Checkout($input: CheckoutPlaceOrderInput!) {
  checkoutPlaceOrder(input: $input) {
    order { id number status }
    pickupCode
    userErrors { code field message }
  }
}`

/** The same, paid online: the payment's client secret too, and no pickup code check. */
const CHECKOUT_ONLINE = `mutation Checkout($input: CheckoutPlaceOrderInput!) {
  checkoutPlaceOrder(input: $input) {
    order { id number status }
    pickupCode
    payment { clientSecret }
    userErrors { code field message }
  }
}`

export type CheckoutPaymentMode = 'AT_PICKUP' | 'ONLINE'

/**
 * Fresh carts for every run, each holding one unit of variantIds[i mod n] and checked out once
 * (the store's slot two days ahead). After the run, the orders of those carts must number the 2xx
 * answers, plus at most one per connection for requests the server finished after autocannon
 * stopped counting: fewer would mean some 2xx placed no order (a replay, a userError).
 * Paid ONLINE, every one of those orders must also have its STRIPE payment, waiting for the
 * shopper on an intent the fake Stripe made for it: a 2xx whose authorisation failed (a
 * userError) would leave a payment without one.
 */
function checkoutLoad(
  checkout: CheckoutFixture,
  side: 'graphql' | 'bare',
  variantIds: readonly string[],
  paymentMode: CheckoutPaymentMode = 'AT_PICKUP',
): FreshLoad {
  const online = paymentMode === 'ONLINE'
  return {
    async prepare(count) {
      const carts = await checkout.createCarts(variantIds, count)
      return {
        load: { oneShot: carts.map((cart) => checkoutRequest(checkout.store, cart, side, paymentMode)) },
        async verify(stats) {
          const withinTail = (count: number) => count - stats.ok >= 0 && count - stats.ok <= checkout.connections
          if (!online) {
            const orders = await checkout.countOrders(carts)
            return { ok: withinTail(orders), summary: `${orders} orders for ${stats.ok} 2xx of ${carts.length} carts` }
          }
          const { orders, payments, matched } = await settledOnlineCheckouts(checkout, carts)
          return {
            ok: withinTail(orders) && payments === orders && matched === payments,
            summary: `${orders} orders for ${stats.ok} 2xx of ${carts.length} carts, ${payments} STRIPE payments (${matched} on a fake Stripe intent)`,
          }
        },
      }
    },
  }
}

/** The request that checks `cart` out at `store`, in its slot two days ahead. */
export function checkoutRequest(
  store: CheckoutStore,
  cart: CheckoutCart,
  side: 'graphql' | 'bare',
  paymentMode: CheckoutPaymentMode = 'AT_PICKUP',
): HttpRequest {
  const online = paymentMode === 'ONLINE'
  const headers = { 'content-type': 'application/json', 'x-cart-token': cart.cartToken }
  const input = {
    pickupSlotStart: store.pickupSlotStart.toISOString(),
    paymentMode,
    idempotencyKey: cart.idempotencyKey,
  }
  if (side === 'bare') {
    const body = JSON.stringify({ ...input, cartId: cart.cartId, storeId: store.storeId })
    return { method: 'POST', path: online ? '/bare/checkout-online' : '/bare/checkout', headers, body }
  }
  const variables = {
    input: { ...input, cartId: globalId('Cart', cart.cartId), storeId: globalId('Store', store.storeId) },
  }
  return { ...graphqlRequest(online ? CHECKOUT_ONLINE : CHECKOUT, variables), headers }
}

/**
 * The orders of these carts and their online payments, once every order has its payment on an
 * intent, or after SETTLE_MS. The server having answered every request is not enough: when
 * autocannon stops it drops its connections, and GraphQL Yoga answers an aborted request at once
 * while its resolver carries on (the order committed, the Stripe call under way), so a few
 * checkouts of the tail finish after the run.
 */
async function settledOnlineCheckouts(
  checkout: CheckoutFixture,
  carts: readonly CheckoutCart[],
): Promise<{ orders: number } & OnlinePaymentCount> {
  const started = Date.now()
  for (;;) {
    const orders = await checkout.countOrders(carts)
    const count = await checkout.countOnlinePayments(carts)
    const settled = count.payments === orders && count.matched === orders
    if (settled || Date.now() - started >= SETTLE_MS) return { orders, ...count }
    await delay(50)
  }
}

const SETTLE_MS = 5000

/**
 * Different carts on each side, so the check compares outcomes, not ids: both placed an order in
 * `status`, with no userErrors, and whatever else `extra` requires of the payload.
 */
function samePlacedOrderCheck(status: string, extra: (payload: unknown) => string | null, summary: string) {
  return (graphql: unknown, bare: unknown): string => {
    for (const [side, body] of [
      ['GraphQL', graphql],
      ['bare', bare],
    ] as const) {
      const payload = property(property(body, 'data'), 'checkoutPlaceOrder')
      const errors = property(payload, 'userErrors')
      if (!Array.isArray(errors) || errors.length > 0)
        throw new Error(`${side} answered userErrors ${JSON.stringify(errors)}`)
      const order = property(payload, 'order')
      const keys = typeof order === 'object' && order !== null ? Object.keys(order).sort() : []
      if (!isDeepStrictEqual(keys, ['id', 'number', 'status']) || property(order, 'status') !== status)
        throw new Error(`${side} order is ${JSON.stringify(order)}`)
      const problem = extra(payload)
      if (problem) throw new Error(`${side} ${problem}`)
    }
    return summary
  }
}

const samePendingOnlineOrder = samePlacedOrderCheck(
  'PENDING_PAYMENT',
  (payload) => {
    const payment = property(payload, 'payment')
    const clientSecret = property(payment, 'clientSecret')
    return typeof clientSecret === 'string' && /_secret_/.test(clientSecret)
      ? null
      : `payment is ${JSON.stringify(payment)}`
  },
  'both placed an order (PENDING_PAYMENT, with a Stripe client secret)',
)

const samePlacedOrder = samePlacedOrderCheck(
  'PLACED',
  (payload) =>
    /^\d{6}$/.test(String(property(payload, 'pickupCode')))
      ? null
      : `pickup code is ${JSON.stringify(property(payload, 'pickupCode'))}`,
  'both placed an order (PLACED, with a pickup code)',
)

/** Different carts on each side, so the check compares shape and outcome rather than ids. */
function sameCartShape(graphql: unknown, bare: unknown): string {
  for (const [side, body] of [
    ['GraphQL', graphql],
    ['bare', bare],
  ] as const) {
    const payload = property(property(body, 'data'), 'cartLinesAdd')
    const errors = property(payload, 'userErrors')
    if (!Array.isArray(errors) || errors.length > 0)
      throw new Error(`${side} answered userErrors ${JSON.stringify(errors)}`)
    const lines = property(property(payload, 'cart'), 'lines')
    if (!isDeepStrictEqual(lines, [{ quantity: 1 }])) throw new Error(`${side} cart lines are ${JSON.stringify(lines)}`)
  }
  return 'both added one unit to an empty cart'
}

/** A new cart each side, so the check compares its shape: two lines of one unit, and a token. */
function sameNewCart(graphql: unknown, bare: unknown): string {
  for (const [side, body] of [
    ['GraphQL', graphql],
    ['bare', bare],
  ] as const) {
    const payload = property(property(body, 'data'), 'cartCreate')
    const errors = property(payload, 'userErrors')
    if (!Array.isArray(errors) || errors.length > 0)
      throw new Error(`${side} answered userErrors ${JSON.stringify(errors)}`)
    if (typeof property(payload, 'cartToken') !== 'string') throw new Error(`${side} answered no cart token`)
    const lines = property(property(payload, 'cart'), 'lines')
    if (!isDeepStrictEqual(lines, [{ quantity: 1 }, { quantity: 1 }]))
      throw new Error(`${side} cart lines are ${JSON.stringify(lines)}`)
  }
  return 'both created a cart of two lines'
}

function pricedListing(storeId: string): HttpRequest {
  return graphqlRequest(
    `query PricedProducts($storeId: ID!) {
      products(first: 20) {
        edges { node { id title
          priceRange(storeId: $storeId) { min { amount } max { amount } }
          variants { sku price(storeId: $storeId) { amount currencyCode } }
        } }
      }
    }`,
    { storeId: globalId('Store', storeId) },
  )
}

/** The same products and variants on both pages, and the overrides in force on the first. */
function samePagePricedApart(overridden: unknown, plain: unknown): string {
  const skusOf = (body: unknown) =>
    edgesOf(body, 'products').map((edge) => {
      const variants = property(property(edge, 'node'), 'variants')
      return Array.isArray(variants) ? variants.map((variant) => property(variant, 'sku')) : []
    })
  if (!isDeepStrictEqual(skusOf(overridden), skusOf(plain))) throw new Error('the two pages list different variants')
  const variants = skusOf(plain).flat().length
  if (variants === 0) throw new Error('no variants listed: the comparison would be meaningless')
  if (isDeepStrictEqual(overridden, plain)) throw new Error('the page with overrides shows the same prices')
  return `${edgesOf(plain, 'products').length} products, ${variants} variants, the same on both; prices differ`
}

export function graphqlRequest(query: string, variables: Record<string, unknown>): HttpRequest {
  return {
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  }
}

export function globalId(typename: string, id: string): string {
  return Buffer.from(`${typename}:${id}`).toString('base64')
}

/** Both bodies are `{ data: { [field]: { edges } } }` with the same, non-empty, edges. */
function sameData(field: string, noun: string) {
  return (graphql: unknown, bare: unknown): string => {
    const graphqlEdges = edgesOf(graphql, field)
    const bareEdges = edgesOf(bare, field)
    if (graphqlEdges.length !== bareEdges.length) {
      throw new Error(`GraphQL returned ${graphqlEdges.length} ${noun}, the bare route ${bareEdges.length}`)
    }
    if (graphqlEdges.length === 0) throw new Error(`no ${noun} returned: the comparison would be meaningless`)
    if (!isDeepStrictEqual(graphqlEdges, bareEdges)) {
      throw new Error(`GraphQL and the bare route return different ${noun}`)
    }
    return `${graphqlEdges.length} ${noun}, identical JSON`
  }
}

function edgesOf(body: unknown, field: string): unknown[] {
  const edges = property(property(property(body, 'data'), field), 'edges')
  if (!Array.isArray(edges)) throw new Error(`no data.${field}.edges in ${JSON.stringify(body).slice(0, 300)}`)
  return edges
}

export function property(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
}
