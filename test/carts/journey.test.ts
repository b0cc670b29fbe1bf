import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/logger.js'
import { createOutboxDispatcher, type OutboxDispatcher } from '../../src/modules/events/outbox-dispatcher.js'
import { createAppPubSub } from '../../src/modules/events/pubsub.js'
import { CART_FIELDS, type CartShape } from '../fixtures/carts.js'
import { globalId } from '../fixtures/ids.js'
import { type LiveServer, startLiveServer } from '../helpers/http-server.js'
import { createTestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let live: LiveServer
let dispatcher: OutboxDispatcher
let v: string[]

beforeAll(async () => {
  testDb = await createTestDb()
  const pubsub = createAppPubSub()
  const api = createTestApp(testDb, { pubsub })
  dispatcher = createOutboxDispatcher({ db: testDb.db, pubsub, logger: createLogger('silent'), pollIntervalMs: 100 })
  dispatcher.start()
  live = await startLiveServer(api)
  const rows = await testDb.db
    .selectFrom('variant')
    .select('id')
    .where('active', '=', true)
    .orderBy('sku')
    .limit(3)
    .execute()
  v = rows.map((row) => globalId('Variant', row.id))
})
afterAll(async () => {
  await live.close()
  await dispatcher.stop()
  await testDb.destroy()
})

type Payload<K extends string, T> = { data: Record<K, T> }
type CartWithToken = { cart: CartShape; cartToken: string; userErrors: unknown[] }
const lineQuantities = (cart: CartShape) =>
  Object.fromEntries(cart.lines.map((line) => [line.variant.id, line.quantity]))

describe('phone → tablet → signed in, over HTTP', () => {
  it('hands a cart over, keeps devices in sync live, and merges it at sign-in', async () => {
    // Alice already has a cart from her laptop.
    const signUp = (await live.gql(
      `mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) { accessToken userErrors { code } } }`,
      { input: { email: 'alice.journey@example.com', password: 'a long and varied secret', name: 'Alice' } },
    )) as Payload<'customerSignUp', { accessToken: string }>
    const laptop = { authorization: `Bearer ${signUp.data.customerSignUp.accessToken}` }
    const laptopCart = (await live.gql(
      `mutation($input: CartCreateInput!) { cartCreate(input: $input) { cart { id } cartToken } }`,
      { input: { channel: 'WEB', lines: [{ variantId: v[2], quantity: 1 }] } },
      laptop,
    )) as Payload<'cartCreate', CartWithToken>
    const customerCartId = laptopCart.data.cartCreate.cart.id

    // Morning: an anonymous cart on the phone app.
    const phoneCart = (await live.gql(
      `mutation($input: CartCreateInput!) { cartCreate(input: $input) { cart { id } cartToken } }`,
      { input: { channel: 'APP', lines: [{ variantId: v[0], quantity: 2 }] } },
    )) as Payload<'cartCreate', CartWithToken>
    const cartId = phoneCart.data.cartCreate.cart.id
    const phone = { 'x-cart-token': phoneCart.data.cartCreate.cartToken }

    // The phone shows a hand-off code; the tablet types it in.
    const handoff = (await live.gql(
      `mutation($input: CartHandoffCreateInput!) { cartHandoffCreate(input: $input) { code url expiresAt userErrors { code } } }`,
      { input: { cartId } },
      phone,
    )) as Payload<'cartHandoffCreate', { code: string; url: string; expiresAt: string }>
    const { code, url } = handoff.data.cartHandoffCreate
    expect(url).toContain(encodeURIComponent(code))
    const claim = (await live.gql(
      `mutation($input: CartHandoffClaimInput!) { cartHandoffClaim(input: $input) { cart { id lastChannel } cartToken userErrors { code } } }`,
      { input: { code: code.toLowerCase(), channel: 'WEB' } },
    )) as Payload<'cartHandoffClaim', CartWithToken>
    expect(claim.data.cartHandoffClaim.cart).toEqual({ id: cartId, lastChannel: 'WEB' })
    const tablet = { 'x-cart-token': claim.data.cartHandoffClaim.cartToken }
    // Single use: the same code again is refused.
    const reuse = (await live.gql(
      `mutation($input: CartHandoffClaimInput!) { cartHandoffClaim(input: $input) { cart { id } userErrors { code } } }`,
      { input: { code, channel: 'APP' } },
    )) as Payload<'cartHandoffClaim', { cart: null; userErrors: { code: string }[] }>
    expect(reuse.data.cartHandoffClaim).toEqual({ cart: null, userErrors: [{ code: 'INVALID_HANDOFF_CODE' }] })

    // The tablet watches the cart; the phone adds a line; the tablet sees it arrive.
    const subscription = `subscription($cartId: ID!) { cartUpdated(cartId: $cartId) { ${CART_FIELDS} } }`
    // Events from before the subscription opens are published first, so the tablet's first update is the phone's.
    await dispatcher.dispatchOnce()
    const onTablet = await live.subscribe<Payload<'cartUpdated', CartShape>>(subscription, { cartId }, tablet)
    await live.gql(
      `mutation($input: CartLinesAddInput!) { cartLinesAdd(input: $input) { userErrors { code } } }`,
      { input: { cartId, lines: [{ variantId: v[1], quantity: 1 }] } },
      phone,
    )
    const seen = (await onTablet.next()).data.cartUpdated
    expect(lineQuantities(seen)).toEqual({ [v[0]!]: 2, [v[1]!]: 1 })
    expect(seen.lastChannel).toBe('APP')

    // In the evening Alice signs in on the tablet: the cart merges into hers, live on the laptop.
    await dispatcher.dispatchOnce()
    const onLaptop = await live.subscribe<Payload<'cartUpdated', CartShape>>(
      subscription,
      { cartId: customerCartId },
      laptop,
    )
    const signIn = (await live.gql(
      `mutation($input: CustomerSignInInput!) { customerSignIn(input: $input) { cart { id } userErrors { code } } }`,
      { input: { email: 'alice.journey@example.com', password: 'a long and varied secret', cartId, channel: 'WEB' } },
      tablet,
    )) as Payload<'customerSignIn', { cart: { id: string }; userErrors: unknown[] }>
    expect(signIn.data.customerSignIn).toEqual({ cart: { id: customerCartId }, userErrors: [] })
    const merged = (await onLaptop.next()).data.cartUpdated
    expect(merged.id).toBe(customerCartId)
    expect(lineQuantities(merged)).toEqual({ [v[0]!]: 2, [v[1]!]: 1, [v[2]!]: 1 })

    // The phone's old token now opens the merged cart; the journey is recorded channel by channel.
    const fromPhone = (await live.gql(
      `query($id: ID!) { cart(id: $id) { id } }`,
      { id: customerCartId },
      phone,
    )) as Payload<'cart', { id: string }>
    expect(fromPhone.data.cart.id).toBe(customerCartId)
    const rawId = Buffer.from(cartId, 'base64').toString().split(':')[1]!
    const journey = await testDb.db
      .selectFrom('cart_event')
      .select(['type', 'channel'])
      .where('cart_id', '=', rawId)
      .orderBy('id')
      .execute()
    expect(journey).toEqual([
      { type: 'created', channel: 'APP' },
      { type: 'lines_added', channel: 'APP' },
      { type: 'handoff_created', channel: 'APP' },
      { type: 'handoff_claimed', channel: 'WEB' },
      { type: 'lines_added', channel: 'APP' },
      { type: 'merged_away', channel: 'WEB' },
    ])
    onTablet.close()
    onLaptop.close()
  })

  it('refuses to subscribe to a cart without its token', async () => {
    const created = (await live.gql(
      `mutation($input: CartCreateInput!) { cartCreate(input: $input) { cart { id } } }`,
      { input: { channel: 'WEB' } },
    )) as Payload<'cartCreate', CartWithToken>
    const stranger = await live.subscribe<{ errors?: { extensions: { code: string } }[] }>(
      `subscription($cartId: ID!) { cartUpdated(cartId: $cartId) { id } }`,
      { cartId: created.data.cartCreate.cart.id },
    )
    const first = await stranger.next()
    expect(first.errors?.[0]?.extensions.code).toBe('NOT_FOUND')
    stranger.close()
  })
})
