import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_CLIENT_KEYS } from '../../src/seed/seed.js'
import { CART_FIELDS, type CartShape, cartHeaders, DEMO_KIOSK_HEADERS, type UserErrorShape } from '../fixtures/carts.js'
import { rawId } from '../fixtures/notifications.js'
import { checkout, firstSlot, type StockedStore, stockedStore } from '../fixtures/orders.js'
import { registerTill } from '../fixtures/till.js'
import { createTestApp, type GraphQLResponse, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let store: StockedStore
let admin: string
let manager: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  store = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 500 })
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
})

afterAll(async () => {
  await testDb.destroy()
})

type CartPayload = { cart: CartShape | null; cartToken?: string; userErrors: UserErrorShape[] }

const CART_CREATE = `mutation($input: CartCreateInput!) {
  cartCreate(input: $input) { cart { ${CART_FIELDS} } cartToken userErrors { code field message } }
}`

function createCart(input: Record<string, unknown>, headers: Record<string, string> = {}, token?: string) {
  return api.gql<{ cartCreate: CartPayload }>(CART_CREATE, { input }, { headers, token })
}

function errorCodes(result: GraphQLResponse): (string | undefined)[] {
  return (result.errors ?? []).map((error) => error.extensions?.code)
}

async function storefrontKey(name: string, channel: 'WEB' | 'APP'): Promise<{ id: string; key: string }> {
  const result = await api.gql<{
    storefrontKeyCreate: { storefront: { id: string; channel: string }; storefrontKey: string }
  }>(
    `mutation($input: StorefrontKeyCreateInput!) {
      storefrontKeyCreate(input: $input) { storefront { id channel } storefrontKey userErrors { code } }
    }`,
    { input: { name, channel } },
    { token: admin },
  )
  const payload = result.data?.storefrontKeyCreate
  if (!payload) throw new Error(`storefrontKeyCreate failed: ${JSON.stringify(result)}`)
  expect(payload.storefront.channel).toBe(channel)
  expect(payload.storefrontKey).toMatch(/^csk_[A-Za-z0-9_-]{43}$/)
  return { id: rawId(payload.storefront.id), key: payload.storefrontKey }
}

async function registerKiosk(token: string): Promise<{ gid: string; id: string; key: string }> {
  const result = await api.gql<{ kioskRegister: { kiosk: { id: string }; kioskKey: string } }>(
    `mutation($input: KioskRegisterInput!) { kioskRegister(input: $input) { kiosk { id } kioskKey userErrors { code } } }`,
    { input: { storeId: store.storeGid, name: 'Entrance kiosk' } },
    { token },
  )
  const payload = result.data?.kioskRegister
  if (!payload) throw new Error(`kioskRegister failed: ${JSON.stringify(result)}`)
  expect(payload.kioskKey).toMatch(/^ckk_[A-Za-z0-9_-]{43}$/)
  return { gid: payload.kiosk.id, id: rawId(payload.kiosk.id), key: payload.kioskKey }
}

function addLine(cartId: string, quantity: number, headers: Record<string, string>) {
  return api.gql<{ cartLinesAdd: CartPayload }>(
    `mutation($input: CartLinesAddInput!) { cartLinesAdd(input: $input) { cart { ${CART_FIELDS} } userErrors { code } } }`,
    { input: { cartId, lines: [{ variantId: store.variantGid, quantity }] } },
    { headers },
  )
}

async function handOff(cartId: string, from: Record<string, string>, to: Record<string, string>) {
  const created = await api.gql<{ cartHandoffCreate: { code: string } }>(
    'mutation($input: CartHandoffCreateInput!) { cartHandoffCreate(input: $input) { code userErrors { code } } }',
    { input: { cartId } },
    { headers: from },
  )
  const code = created.data?.cartHandoffCreate.code
  if (!code) throw new Error(`cartHandoffCreate failed: ${JSON.stringify(created)}`)
  const claimed = await api.gql<{ cartHandoffClaim: CartPayload }>(
    `mutation($input: CartHandoffClaimInput!) {
      cartHandoffClaim(input: $input) { cart { id lastChannel } cartToken userErrors { code } }
    }`,
    { input: { code } },
    { headers: to },
  )
  const claim = claimed.data?.cartHandoffClaim
  if (!claim?.cartToken) throw new Error(`cartHandoffClaim failed: ${JSON.stringify(claimed)}`)
  return { code, cartToken: claim.cartToken, lastChannel: claim.cart?.lastChannel }
}

interface Step {
  event: string
  channel: string | null
  device: string | null
  at: string
}

async function journeyOf(orderGid: string, headers: Record<string, string>, token?: string): Promise<Step[]> {
  const result = await api.gql<{ order: { journey: Step[] } | null }>(
    'query($id: ID!) { order(id: $id) { journey { event channel device at } } }',
    { id: orderGid },
    { headers, token },
  )
  if (!result.data?.order) throw new Error(`order not readable: ${JSON.stringify(result)}`)
  return result.data.order.journey
}

/** The journey module's entry for rollups, through the package's public path. */
async function crossDevice(orderId: string): Promise<boolean> {
  const { isCrossDeviceJourney } = await import('../../src/modules/journeys/journey.service.js')
  // Rollups call it in the transaction that claims their events.
  return testDb.db.transaction().execute((trx) => isCrossDeviceJourney(trx, orderId))
}

describe('journeys across channels and devices', () => {
  it('follows a cart started on a phone (APP), handed off to a laptop (WEB), checked out, arrived and collected at a till', async () => {
    const app = await storefrontKey('Shop app', 'APP')
    const web = await storefrontKey('Web shop', 'WEB')
    const phone = { 'x-storefront-key': app.key, 'x-device-id': 'phone-7f3a' }
    const laptop = { 'x-storefront-key': web.key, 'x-device-id': 'laptop-91c2' }
    const phoneDevice = `storefront:${app.id}:phone-7f3a`
    const laptopDevice = `storefront:${web.id}:laptop-91c2`

    // No channel stated: the key decides it.
    const started = await createCart({ lines: [{ variantId: store.variantGid, quantity: 1 }] }, phone)
    const { cart, cartToken } = started.data!.cartCreate
    expect(cart).toMatchObject({ channel: 'APP', lastChannel: 'APP' })
    const phoneHeaders = { ...phone, ...cartHeaders(cartToken!) }
    const handoff = await handOff(cart!.id, phoneHeaders, laptop)
    expect(handoff.lastChannel).toBe('WEB')
    const laptopHeaders = { ...laptop, ...cartHeaders(handoff.cartToken) }
    const added = await addLine(cart!.id, 2, laptopHeaders)
    expect(added.data!.cartLinesAdd.cart).toMatchObject({ lastChannel: 'WEB', itemCount: 3 })

    const placed = await checkout(
      api,
      { cartId: cart!.id, storeId: store.storeGid, pickupSlotStart: await firstSlot(api, store.storeGid) },
      laptopHeaders,
    )
    expect(placed.userErrors).toEqual([])
    const order = placed.order!
    const arrived = await api.gql<{ orderArrive: { userErrors: unknown[] } }>(
      'mutation($input: OrderArriveInput!) { orderArrive(input: $input) { userErrors { code } } }',
      { input: { orderId: order.id } },
      { headers: laptopHeaders },
    )
    expect(arrived.data!.orderArrive.userErrors).toEqual([])
    for (const name of ['orderStartPreparing', 'orderMarkReady']) {
      const moved = await api.gql<Record<string, { userErrors: unknown[] }>>(
        `mutation($input: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { userErrors { code } } }`,
        { input: { orderId: order.id } },
        { token: manager },
      )
      expect(moved.data![name]!.userErrors).toEqual([])
    }
    const till = await registerTill(api, manager, store.storeGid)
    const collected = await api.gql<{ orderCollect: { order: { status: string }; userErrors: unknown[] } }>(
      'mutation($input: OrderCollectInput!) { orderCollect(input: $input) { order { status } userErrors { code } } }',
      {
        input: {
          orderId: order.id,
          pickupCode: placed.pickupCode,
          payment: { method: 'CASH', amountTendered: '1000.00' },
        },
      },
      { token: till.key },
    )
    expect(collected.data!.orderCollect).toEqual({ order: { status: 'COLLECTED' }, userErrors: [] })

    // Read by whoever may read the order: here the laptop's cart token.
    const journey = await journeyOf(order.id, laptopHeaders)
    expect(journey.map(({ event, channel, device }) => ({ event, channel, device }))).toEqual([
      { event: 'CART_STARTED', channel: 'APP', device: phoneDevice },
      { event: 'CART_CHANGED', channel: 'APP', device: phoneDevice },
      { event: 'HANDED_OFF', channel: 'APP', device: phoneDevice },
      { event: 'HANDOFF_CLAIMED', channel: 'WEB', device: laptopDevice },
      { event: 'CART_CHANGED', channel: 'WEB', device: laptopDevice },
      { event: 'CHECKED_OUT', channel: 'WEB', device: laptopDevice },
      { event: 'ARRIVED', channel: null, device: null },
      { event: 'COLLECTED', channel: 'POS', device: `terminal:${till.id}` },
    ])
    const times = journey.map((step) => Date.parse(step.at))
    expect(times).toEqual([...times].sort((a, b) => a - b))
    // Not readable by a stranger: the order itself is not.
    const stranger = await api.gql<{ order: unknown }>('query($id: ID!) { order(id: $id) { journey { event } } }', {
      id: order.id,
    })
    expect(stranger.data?.order ?? null).toBeNull()

    expect(await crossDevice(rawId(order.id))).toBe(true)
    const rows = await testDb.db
      .selectFrom('sales_order')
      .innerJoin('cart', 'cart.id', 'sales_order.cart_id')
      .select(['sales_order.storefront_id as orderStorefront', 'cart.storefront_id as cartStorefront'])
      .where('sales_order.id', '=', rawId(order.id))
      .executeTakeFirstOrThrow()
    expect(rows).toEqual({ orderStorefront: web.id, cartStorefront: app.id })
  })

  it("records both devices changing one cart in parallel, and shows the customer's journeys on their timeline", async () => {
    const signUp = await api.gql<{ customerSignUp: { accessToken: string } }>(
      `mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) { accessToken userErrors { code } } }`,
      { input: { email: 'juno@example.com', password: 'a long and varied secret', name: 'Juno' } },
    )
    const token = signUp.data!.customerSignUp.accessToken
    const phone = { 'x-storefront-key': DEMO_CLIENT_KEYS.app.key, 'x-device-id': 'juno-phone' }
    const tablet = { 'x-storefront-key': DEMO_CLIENT_KEYS.app.key, 'x-device-id': 'juno-tablet' }
    const started = await createCart({}, phone, token)
    const cartId = started.data!.cartCreate.cart!.id
    const signedIn = (headers: Record<string, string>) => ({ ...headers, authorization: `Bearer ${token}` })

    // Twenty adds at once, ten from each device, on one cart: none lost, each stamped with its device.
    const adds = await Promise.all(
      Array.from({ length: 20 }, (_, n) => addLine(cartId, 1, signedIn(n % 2 === 0 ? phone : tablet))),
    )
    expect(adds.every((added) => added.data?.cartLinesAdd.userErrors.length === 0)).toBe(true)
    const events = await testDb.db
      .selectFrom('cart_event')
      .select(['device'])
      .where('cart_id', '=', rawId(cartId))
      .where('type', '=', 'lines_added')
      .execute()
    const storefront = await testDb.db
      .selectFrom('storefront')
      .select('id')
      .where('name', '=', DEMO_CLIENT_KEYS.app.name)
      .executeTakeFirstOrThrow()
    const count = (device: string) => events.filter((event) => event.device === device).length
    expect(count(`storefront:${storefront.id}:juno-phone`)).toBe(10)
    expect(count(`storefront:${storefront.id}:juno-tablet`)).toBe(10)

    const placed = await checkout(
      api,
      { cartId, storeId: store.storeGid, pickupSlotStart: await firstSlot(api, store.storeGid) },
      signedIn(tablet),
    )
    expect(placed.userErrors).toEqual([])
    expect(placed.order!.lines.map((line) => line.quantity)).toEqual([20])

    // A second order, from the phone alone: a journey that does not cross devices.
    const single = await createCart({ lines: [{ variantId: store.variantGid, quantity: 1 }] }, phone, token)
    const second = await checkout(
      api,
      {
        cartId: single.data!.cartCreate.cart!.id,
        storeId: store.storeGid,
        pickupSlotStart: await firstSlot(api, store.storeGid),
      },
      signedIn(phone),
    )
    expect(second.userErrors).toEqual([])
    expect(await crossDevice(rawId(second.order!.id))).toBe(false)

    const me = await api.gql<{
      me: {
        journeys: { order: { id: string }; crossDevice: boolean; steps: { event: string; device: string }[] }[]
        timeline: { kind: string; type: string; device: string | null }[]
      }
    }>(
      '{ me { journeys(first: 5) { order { id } crossDevice steps { event device } } timeline(first: 200) { kind type device } } }',
      {},
      { token },
    )
    const { journeys, timeline } = me.data!.me
    expect(journeys.map((journey) => [journey.order.id, journey.crossDevice])).toEqual([
      [second.order!.id, false],
      [placed.order!.id, true],
    ])
    expect(journeys[1]!.steps.filter((step) => step.event === 'CART_CHANGED')).toHaveLength(20)
    expect(timeline.find((entry) => entry.type === 'CHECKED_OUT')?.device).toMatch(/:juno-(phone|tablet)$/)

    // Erased: the device ids their apps chose are forgotten; the storefront stays.
    const erased = await api.gql<{ customerErase: { userErrors: unknown[] } }>(
      'mutation($input: CustomerEraseInput!) { customerErase(input: $input) { userErrors { code } } }',
      { input: {} },
      { token },
    )
    expect(erased.data!.customerErase.userErrors).toEqual([])
    const devices = await testDb.db
      .selectFrom('cart_event')
      .select('device')
      .distinct()
      .where('cart_id', 'in', [rawId(cartId), rawId(single.data!.cartCreate.cart!.id)])
      .execute()
    expect(devices.map((row) => row.device).sort()).toEqual([`storefront:${storefront.id}`])
  })
})

describe('channels a request cannot claim', () => {
  it('refuses KIOSK and POS without their device keys, and a stated channel its key contradicts', async () => {
    const lines = [{ variantId: store.variantGid, quantity: 1 }]
    for (const channel of ['KIOSK', 'POS']) {
      const claimed = await createCart({ channel, lines })
      expect(claimed.data!.cartCreate.cart).toBeNull()
      expect(claimed.data!.cartCreate.userErrors).toMatchObject([{ code: 'CHANNEL_NOT_ALLOWED', field: ['channel'] }])
    }
    expect(
      (await createCart({ channel: 'APP' }, { 'x-storefront-key': DEMO_CLIENT_KEYS.web.key })).data!.cartCreate,
    ).toMatchObject({ cart: null, userErrors: [{ code: 'CHANNEL_NOT_ALLOWED' }] })
    expect((await createCart({ channel: 'POS' }, DEMO_KIOSK_HEADERS)).data!.cartCreate).toMatchObject({
      cart: null,
      userErrors: [{ code: 'CHANNEL_NOT_ALLOWED' }],
    })
    const till = await registerTill(api, manager, store.storeGid)
    expect((await createCart({ channel: 'WEB' }, {}, till.key)).data!.cartCreate.userErrors).toMatchObject([
      { code: 'CHANNEL_NOT_ALLOWED' },
    ])
    const atTill = await createCart({ lines }, {}, till.key)
    expect(atTill.data!.cartCreate.cart).toMatchObject({ channel: 'POS' })

    // A keyless client may be an anonymous storefront, never a kiosk, for any cart write.
    const web = await createCart({ lines })
    const { cart, cartToken } = web.data!.cartCreate
    expect(cart).toMatchObject({ channel: 'WEB' })
    const kioskClaim = await api.gql<{ cartLinesAdd: CartPayload }>(
      `mutation($input: CartLinesAddInput!) { cartLinesAdd(input: $input) { cart { id } userErrors { code } } }`,
      { input: { cartId: cart!.id, lines, channel: 'KIOSK' } },
      { headers: cartHeaders(cartToken!) },
    )
    expect(kioskClaim.data!.cartLinesAdd).toEqual({ cart: null, userErrors: [{ code: 'CHANNEL_NOT_ALLOWED' }] })
    const created = await api.gql<{ cartHandoffCreate: { code: string } }>(
      'mutation($input: CartHandoffCreateInput!) { cartHandoffCreate(input: $input) { code } }',
      { input: { cartId: cart!.id } },
      { headers: cartHeaders(cartToken!) },
    )
    const claim = await api.gql<{ cartHandoffClaim: CartPayload }>(
      'mutation($input: CartHandoffClaimInput!) { cartHandoffClaim(input: $input) { cartToken userErrors { code } } }',
      { input: { code: created.data!.cartHandoffCreate.code, channel: 'KIOSK' } },
    )
    expect(claim.data!.cartHandoffClaim).toEqual({ cartToken: null, userErrors: [{ code: 'CHANNEL_NOT_ALLOWED' }] })
    // Nothing changed: one line, still WEB.
    const lines1 = await testDb.db
      .selectFrom('cart_line')
      .select('quantity')
      .where('cart_id', '=', rawId(cart!.id))
      .execute()
    expect(lines1).toEqual([{ quantity: 1 }])
  })

  it('takes KIOSK from a registered kiosk only, until it is revoked: the next request is refused', async () => {
    const otherManager = await api.signInStaff('manager.par-oberkampf@comptoir.dev')
    const forbidden = await api.gql(
      `mutation($input: KioskRegisterInput!) { kioskRegister(input: $input) { kioskKey } }`,
      { input: { storeId: store.storeGid, name: 'Not mine' } },
      { token: otherManager },
    )
    expect(errorCodes(forbidden)).toEqual(['FORBIDDEN'])

    const kiosk = await registerKiosk(manager)
    const headers = { 'x-kiosk-key': kiosk.key }
    const started = await createCart({ lines: [{ variantId: store.variantGid, quantity: 1 }] }, headers)
    const { cart, cartToken } = started.data!.cartCreate
    expect(cart).toMatchObject({ channel: 'KIOSK' })
    const device = await testDb.db
      .selectFrom('cart_event')
      .select(['device', 'storefront_id'])
      .where('cart_id', '=', rawId(cart!.id))
      .where('type', '=', 'created')
      .executeTakeFirstOrThrow()
    expect(device).toEqual({ device: `kiosk:${kiosk.id}`, storefront_id: null })

    const revoked = await api.gql<{ kioskRevoke: { kiosk: { active: boolean }; userErrors: unknown[] } }>(
      `mutation($input: KioskRevokeInput!) { kioskRevoke(input: $input) { kiosk { active } userErrors { code } } }`,
      { input: { kioskId: kiosk.gid } },
      { token: manager },
    )
    expect(revoked.data!.kioskRevoke).toEqual({ kiosk: { active: false }, userErrors: [] })
    const after = await addLine(cart!.id, 1, { ...headers, ...cartHeaders(cartToken!) })
    expect(errorCodes(after)).toEqual(['INVALID_CLIENT_KEY'])
    expect(after.errors![0]!.message).toBe('The kiosk key is unknown or revoked.')
    expect(after.data ?? null).toBeNull()
    const line = await testDb.db
      .selectFrom('cart_line')
      .select('quantity')
      .where('cart_id', '=', rawId(cart!.id))
      .executeTakeFirstOrThrow()
    expect(line.quantity).toBe(1)

    const audit = await testDb.db
      .selectFrom('audit_entry')
      .select(['action'])
      .where('entity', '=', 'kiosk')
      .where('entity_id', '=', kiosk.id)
      .orderBy('id')
      .execute()
    expect(audit.map((entry) => entry.action)).toEqual(['CREATE', 'REVOKE'])
  })

  it('refuses unknown, malformed and revoked storefront keys, several keys at once and a bad device id', async () => {
    const sf = await storefrontKey('Soon revoked', 'WEB')
    expect(errorCodes(await createCart({}, { 'x-storefront-key': sf.key }))).toEqual([])
    const managerCreates = await api.gql(
      `mutation($input: StorefrontKeyCreateInput!) { storefrontKeyCreate(input: $input) { storefrontKey } }`,
      { input: { name: 'Mine', channel: 'WEB' } },
      { token: manager },
    )
    expect(errorCodes(managerCreates)).toEqual(['FORBIDDEN'])
    await api.gql(
      `mutation($input: StorefrontKeyRevokeInput!) { storefrontKeyRevoke(input: $input) { userErrors { code } } }`,
      { input: { storefrontId: Buffer.from(`Storefront:${sf.id}`).toString('base64') } },
      { token: admin },
    )
    const refusals: [Record<string, string>, string][] = [
      [{ 'x-storefront-key': sf.key }, 'INVALID_CLIENT_KEY'],
      [{ 'x-storefront-key': `csk_${'A'.repeat(43)}` }, 'INVALID_CLIENT_KEY'],
      [{ 'x-storefront-key': 'not-a-key' }, 'INVALID_CLIENT_KEY'],
      [{ 'x-kiosk-key': DEMO_CLIENT_KEYS.web.key }, 'INVALID_CLIENT_KEY'],
      [{ ...DEMO_KIOSK_HEADERS, 'x-storefront-key': DEMO_CLIENT_KEYS.web.key }, 'INVALID_CLIENT_KEY'],
      [{ 'x-device-id': 'has spaces' }, 'BAD_DEVICE_ID'],
      [{ 'x-device-id': 'x'.repeat(65) }, 'BAD_DEVICE_ID'],
    ]
    for (const [headers, code] of refusals) {
      // Refused whatever the operation, a read as well as a write.
      const read = await api.gql('{ stores(first: 1) { edges { node { id } } } }', {}, { headers })
      expect(errorCodes(read), JSON.stringify(headers)).toEqual([code])
      expect(errorCodes(await createCart({}, headers))).toEqual([code])
    }
  })

  it('with REQUIRE_STOREFRONT_KEY, refuses keyless cart writes and checkouts but still serves reads', async () => {
    const strict = createTestApp(testDb, { env: { REQUIRE_STOREFRONT_KEY: 'true' } })
    const keyless = await strict.gql<{ cartCreate: CartPayload }>(CART_CREATE, { input: { channel: 'WEB' } })
    expect(keyless.data!.cartCreate).toMatchObject({ cart: null, userErrors: [{ code: 'STOREFRONT_KEY_REQUIRED' }] })
    const reads = await strict.gql<{ stores: { edges: unknown[] } }>('{ stores(first: 1) { edges { node { id } } } }')
    expect(reads.data!.stores.edges).toHaveLength(1)

    // A cart made through the storefront, then checked out by a client that dropped the key.
    const keyed = await strict.gql<{ cartCreate: CartPayload }>(
      CART_CREATE,
      { input: { lines: [{ variantId: store.variantGid, quantity: 1 }] } },
      { headers: { 'x-storefront-key': DEMO_CLIENT_KEYS.web.key } },
    )
    const { cart, cartToken } = keyed.data!.cartCreate
    expect(cart).toMatchObject({ channel: 'WEB' })
    const slot = await firstSlot(strict, store.storeGid)
    const refused = await checkout(
      strict,
      { cartId: cart!.id, storeId: store.storeGid, pickupSlotStart: slot },
      cartHeaders(cartToken!),
    )
    expect(refused).toMatchObject({ order: null, userErrors: [{ code: 'STOREFRONT_KEY_REQUIRED' }] })
    const placed = await checkout(
      strict,
      { cartId: cart!.id, storeId: store.storeGid, pickupSlotStart: slot },
      { ...cartHeaders(cartToken!), 'x-storefront-key': DEMO_CLIENT_KEYS.web.key },
    )
    expect(placed.userErrors).toEqual([])
  })
})
