import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/logger.js'
import { createOutboxDispatcher, type OutboxDispatcher } from '../../src/modules/events/outbox-dispatcher.js'
import { createAppPubSub } from '../../src/modules/events/pubsub.js'
import { cartHeaders, createCart } from '../fixtures/carts.js'
import { globalId } from '../fixtures/ids.js'
import { type LiveServer, startLiveServer } from '../helpers/http-server.js'
import { createTestApp, type GraphQLClient, type GraphQLResponse, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'
import {
  DISCOUNT_FIELDS,
  type DiscountedCart,
  expectConsistent,
  percentOff,
  readDiscountedCart,
  updateCodes,
} from './cart-discount-fixtures.js'

let testDb: TestDb
let api: TestApp
let live: LiveServer
let dispatcher: OutboxDispatcher
let variant: { gid: string; price: number }

beforeAll(async () => {
  testDb = await createTestDb()
  const pubsub = createAppPubSub()
  api = createTestApp(testDb, { pubsub })
  dispatcher = createOutboxDispatcher({ db: testDb.db, pubsub, logger: createLogger('silent'), pollIntervalMs: 100 })
  dispatcher.start()
  live = await startLiveServer(api)
  const row = await testDb.db
    .selectFrom('variant')
    .select(['id', 'price_minor'])
    .where('active', '=', true)
    .orderBy('sku')
    .executeTakeFirstOrThrow()
  variant = { gid: globalId('Variant', row.id), price: row.price_minor }
  const admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  for (const [name, code] of [
    ['Ten off', 'TEN'],
    ['Laptop treat', 'LAPTOP'],
  ] as const) {
    const created = await api.gql<{ promotionCreate: { userErrors: unknown[] } }>(
      `mutation($input: PromotionCreateInput!) { promotionCreate(input: $input) { userErrors { code } } }`,
      { input: { kind: 'CODE', name, codes: [code], value: { percentage: 10 }, target: { order: true } } },
      { token: admin },
    )
    expect(created.data?.promotionCreate.userErrors).toEqual([])
  }
})
afterAll(async () => {
  await live.close()
  await dispatcher.stop()
  await testDb.destroy()
})

type Data<K extends string, T> = { data: Record<K, T> }

/** The live server's POST /graphql in the shape the fixtures call (a token or headers as options). */
const overSocket: GraphQLClient = {
  gql: async <T>(
    query: string,
    variables?: Record<string, unknown>,
    options: { token?: string; headers?: Record<string, string> } = {},
  ) => {
    const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {}
    return (await live.gql<T>(query, variables, { ...options.headers, ...auth })) as GraphQLResponse<T>
  },
}

describe('discount codes across devices, over HTTP', () => {
  it('follow a handed-off cart, and the other device sees them change live', async () => {
    const phoneCart = await createCart(overSocket, { channel: 'APP', lines: [{ variantId: variant.gid, quantity: 2 }] })
    const cartId = phoneCart.cart.id
    const phone = cartHeaders(phoneCart.cartToken)
    expect((await updateCodes(overSocket, cartId, ['ten'], phone)).userErrors).toEqual([])

    const handoff = (await live.gql(
      `mutation($input: CartHandoffCreateInput!) { cartHandoffCreate(input: $input) { code } }`,
      { input: { cartId } },
      phone,
    )) as Data<'cartHandoffCreate', { code: string }>
    const claim = (await live.gql(
      `mutation($input: CartHandoffClaimInput!) { cartHandoffClaim(input: $input) { cart { ${DISCOUNT_FIELDS} } cartToken } }`,
      { input: { code: handoff.data.cartHandoffCreate.code, channel: 'WEB' } },
    )) as Data<'cartHandoffClaim', { cart: DiscountedCart; cartToken: string }>
    const tablet = cartHeaders(claim.data.cartHandoffClaim.cartToken)
    const claimed = claim.data.cartHandoffClaim.cart
    expect(claimed.discountCodes).toEqual([{ code: 'TEN', applicable: true, reason: null }])
    expect(claimed.discountTotal.amountMinor).toBe(percentOff(variant.price * 2, 10))

    // The tablet watches the cart; the phone adds a code it mistyped; the tablet sees why it fails.
    await dispatcher.dispatchOnce()
    const onTablet = await live.subscribe<Data<'cartUpdated', DiscountedCart>>(
      `subscription($cartId: ID!) { cartUpdated(cartId: $cartId) { ${DISCOUNT_FIELDS} } }`,
      { cartId },
      tablet,
    )
    expect((await updateCodes(overSocket, cartId, ['ten', 'tne'], phone)).userErrors).toEqual([])
    const seen = (await onTablet.next()).data.cartUpdated
    expect(seen.discountCodes).toEqual([
      { code: 'TEN', applicable: true, reason: null },
      { code: 'TNE', applicable: false, reason: 'DISCOUNT_CODE_UNKNOWN' },
    ])
    expectConsistent(seen)
    expect(await readDiscountedCart(overSocket, cartId, tablet)).toEqual(seen)
    onTablet.close()
  })

  it("brings an anonymous cart's codes into the customer's cart when it merges at sign-in", async () => {
    const email = 'merge.codes@example.com'
    const password = 'a long and varied secret'
    const signUp = (await live.gql(
      `mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) { accessToken } }`,
      { input: { email, password, name: 'Merge' } },
    )) as Data<'customerSignUp', { accessToken: string }>
    const laptop = { authorization: `Bearer ${signUp.data.customerSignUp.accessToken}` }
    const laptopCart = await createCart(
      overSocket,
      { channel: 'WEB', lines: [{ variantId: variant.gid, quantity: 1 }] },
      signUp.data.customerSignUp.accessToken,
    )
    expect((await updateCodes(overSocket, laptopCart.cart.id, ['laptop'], laptop)).userErrors).toEqual([])

    const phoneCart = await createCart(overSocket, { channel: 'APP', lines: [{ variantId: variant.gid, quantity: 1 }] })
    const phone = cartHeaders(phoneCart.cartToken)
    expect((await updateCodes(overSocket, phoneCart.cart.id, ['ten', 'laptop'], phone)).userErrors).toEqual([])
    const signIn = (await live.gql(
      `mutation($input: CustomerSignInInput!) { customerSignIn(input: $input) { cart { ${DISCOUNT_FIELDS} } userErrors { code } } }`,
      { input: { email, password, cartId: phoneCart.cart.id, channel: 'APP' } },
      phone,
    )) as Data<'customerSignIn', { cart: DiscountedCart; userErrors: unknown[] }>
    const merged = signIn.data.customerSignIn.cart
    expect(merged.id).toBe(laptopCart.cart.id)
    expect(merged.discountCodes.map((code) => code.code)).toEqual(['LAPTOP', 'TEN'])
    expectConsistent(merged)
  })
})
