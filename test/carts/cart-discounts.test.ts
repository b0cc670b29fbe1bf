import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADD_LINES, cartHeaders, createCart, SET_PICKUP_STORE } from '../fixtures/carts.js'
import { globalId, storeIdByCode } from '../fixtures/ids.js'
import { startLiveServer } from '../helpers/http-server.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'
import {
  type CartPayload,
  DISCOUNT_FIELDS,
  type DiscountedCart,
  expectConsistent,
  percentOff,
  readDiscountedCart,
  updateCodes,
} from './cart-discount-fixtures.js'

let testDb: TestDb
let api: TestApp
let admin: string
const clock = new Date('2027-03-01T12:00:00.000Z')
let rivoli: string
let oberkampf: string
/** Active variants by SKU, each test using its own so that automatic promotions do not cross. */
let variants: { id: string; gid: string; price: number }[]

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => clock })
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  rivoli = globalId('Store', await storeIdByCode(testDb.db, 'PAR-RIVOLI'))
  oberkampf = globalId('Store', await storeIdByCode(testDb.db, 'PAR-OBERKAMPF'))
  const rows = await testDb.db
    .selectFrom('variant')
    .select(['id', 'price_minor'])
    .where('active', '=', true)
    .where('currency_code', '=', 'EUR')
    .orderBy('sku')
    .limit(16)
    .execute()
  variants = rows.map((row) => ({ id: row.id, gid: globalId('Variant', row.id), price: row.price_minor }))
})
afterAll(() => testDb.destroy())

function variant(index: number) {
  const found = variants[index]
  if (!found) throw new Error(`the seed has no variant ${index}`)
  return found
}

const rawId = (gid: string) => Buffer.from(gid, 'base64').toString().split(':')[1]!

/** Creates a promotion through the back office; answers its global id. */
async function promotion(input: Record<string, unknown>): Promise<string> {
  const result = await api.gql<{ promotionCreate: { promotion: { id: string } | null; userErrors: unknown[] } }>(
    `mutation($input: PromotionCreateInput!) { promotionCreate(input: $input) { promotion { id } userErrors { code field message } } }`,
    { input: { target: { order: true }, ...input } },
    { token: admin },
  )
  const payload = result.data?.promotionCreate
  if (!payload?.promotion) throw new Error(`promotionCreate failed: ${JSON.stringify(result)}`)
  return payload.promotion.id
}

async function newCart(lines: { index: number; quantity: number }[], channel = 'WEB') {
  const { cart, cartToken } = await createCart(api, {
    channel,
    lines: lines.map((line) => ({ variantId: variant(line.index).gid, quantity: line.quantity })),
  })
  return { cartId: cart.id, headers: cartHeaders(cartToken) }
}

async function cartRow(cartGid: string) {
  return testDb.db.selectFrom('cart').selectAll().where('id', '=', rawId(cartGid)).executeTakeFirstOrThrow()
}

async function journeyOf(cartGid: string) {
  const events = await testDb.db
    .selectFrom('cart_event')
    .select(['type', 'payload'])
    .where('cart_id', '=', rawId(cartGid))
    .orderBy('id')
    .execute()
  const outbox = await testDb.db
    .selectFrom('outbox_event')
    .select('type')
    .where('aggregate_id', '=', rawId(cartGid))
    .orderBy('id')
    .execute()
  return { events, outbox: outbox.map((event) => event.type) }
}

const lineOf = (cart: DiscountedCart, index: number) =>
  cart.lines.find((line) => line.variant.id === variant(index).gid)!

describe('Cart discounts, priced on read', () => {
  it('shows an automatic promotion on its lines and in discountTotal without any code', async () => {
    const promotionId = await promotion({
      kind: 'AUTOMATIC',
      name: 'Spring 15%',
      value: { percentage: 15 },
      target: { variantIds: [variant(0).gid] },
    })
    const { cartId, headers } = await newCart([
      { index: 0, quantity: 3 },
      { index: 1, quantity: 1 },
    ])
    const cart = await readDiscountedCart(api, cartId, headers)
    const off = percentOff(variant(0).price * 3, 15)
    expect(off).toBeGreaterThan(0)
    expect(lineOf(cart, 0).discountAllocations).toEqual([
      {
        amount: { amountMinor: off, currencyCode: 'EUR' },
        promotion: { id: promotionId, name: 'Spring 15%', code: null },
      },
    ])
    expect(lineOf(cart, 1).discountAllocations).toEqual([])
    expect(cart.discountCodes).toEqual([])
    expect(cart.discountTotal).toEqual({ amountMinor: off, currencyCode: 'EUR' })
    expect(cart.subtotal.amountMinor).toBe(variant(0).price * 3 + variant(1).price)
    expectConsistent(cart)
  })

  it('applies a code, kept normalised on the cart through a versioned cart change with its events', async () => {
    await promotion({
      kind: 'CODE',
      name: 'Five off',
      codes: ['FIVE-OFF'],
      value: { fixedAmount: 500 },
      currencyCode: 'EUR',
    })
    const { cartId, headers } = await newCart([
      { index: 2, quantity: 2 },
      { index: 3, quantity: 1 },
    ])
    const before = await cartRow(cartId)
    const payload = await updateCodes(api, cartId, ['  five-off ', 'Five-Off'], headers)
    expect(payload.userErrors).toEqual([])
    const cart = payload.cart!
    expect(cart.discountCodes).toEqual([{ code: 'FIVE-OFF', applicable: true, reason: null }])
    expect(cart.discountTotal.amountMinor).toBe(500)
    // An order-wide fixed amount is split over the lines by what each costs.
    expect(lineOf(cart, 2).discountAllocations[0]?.promotion).toMatchObject({ name: 'Five off', code: 'FIVE-OFF' })
    expect(lineOf(cart, 3).discountAllocations[0]?.promotion).toMatchObject({ name: 'Five off', code: 'FIVE-OFF' })
    expectConsistent(cart)
    expect(await readDiscountedCart(api, cartId, headers)).toEqual(cart)

    const after = await cartRow(cartId)
    expect(after.discount_codes).toEqual(['FIVE-OFF'])
    expect(after.updated_at.getTime()).toBeGreaterThanOrEqual(before.updated_at.getTime())
    const journey = await journeyOf(cartId)
    expect(journey.events.at(-1)).toEqual({ type: 'discount_codes_updated', payload: { codes: ['FIVE-OFF'] } })
    expect(journey.outbox.at(-1)).toBe('cart.discount_codes_updated')

    // [] takes the codes off.
    const cleared = await updateCodes(api, cartId, [], headers)
    expect(cleared.cart?.discountCodes).toEqual([])
    expect(cleared.cart?.discountTotal.amountMinor).toBe(0)
    expect((await cartRow(cartId)).discount_codes).toEqual([])
  })

  it('says why each code does not apply', async () => {
    const at = (days: number) => new Date(clock.getTime() + days * 86_400_000).toISOString()
    await promotion({ kind: 'CODE', name: 'Gone', codes: ['GONE'], value: { percentage: 10 }, endsAt: at(-1) })
    await promotion({ kind: 'CODE', name: 'Soon', codes: ['SOON'], value: { percentage: 10 }, startsAt: at(1) })
    const spent = await promotion({
      kind: 'CODE',
      name: 'Spent',
      codes: ['SPENT'],
      value: { percentage: 10 },
      usageLimit: 3,
    })
    await testDb.db.updateTable('promotion').set({ times_used: 3 }).where('id', '=', rawId(spent)).execute()
    await promotion({
      kind: 'CODE',
      name: 'Oberkampf only',
      codes: ['OBER'],
      value: { percentage: 10 },
      storeIds: [oberkampf],
    })
    await promotion({
      kind: 'CODE',
      name: 'App only',
      codes: ['APPONLY'],
      value: { percentage: 10 },
      channels: ['APP'],
    })
    await promotion({
      kind: 'CODE',
      name: 'Big baskets',
      codes: ['BIGBASKET'],
      value: { percentage: 10 },
      currencyCode: 'EUR',
      minSubtotal: 1_000_000,
    })
    await promotion({
      kind: 'CODE',
      name: 'Exclusive',
      codes: ['ALONE'],
      value: { percentage: 20 },
      combinesWithOthers: false,
      priority: 10,
    })
    await promotion({ kind: 'CODE', name: 'Friendly', codes: ['FRIENDLY'], value: { percentage: 5 } })

    const first = await newCart([{ index: 4, quantity: 1 }])
    const one = await updateCodes(api, first.cartId, ['nope-nope', 'gone', 'soon', 'spent', 'ober'], first.headers)
    expect(one.userErrors).toEqual([])
    expect(one.cart?.discountCodes).toEqual([
      { code: 'NOPE-NOPE', applicable: false, reason: 'DISCOUNT_CODE_UNKNOWN' },
      { code: 'GONE', applicable: false, reason: 'DISCOUNT_CODE_EXPIRED' },
      { code: 'SOON', applicable: false, reason: 'DISCOUNT_CODE_NOT_STARTED' },
      { code: 'SPENT', applicable: false, reason: 'DISCOUNT_CODE_LIMIT_REACHED' },
      { code: 'OBER', applicable: false, reason: 'DISCOUNT_CODE_NOT_VALID_IN_STORE' },
    ])
    expect(one.cart?.discountTotal.amountMinor).toBe(0)
    expect(one.cart?.total.amountMinor).toBe(one.cart?.subtotal.amountMinor)

    const second = await newCart([{ index: 4, quantity: 1 }])
    const two = await updateCodes(api, second.cartId, ['apponly', 'bigbasket', 'friendly', 'alone'], second.headers)
    expect(two.cart?.discountCodes).toEqual([
      { code: 'APPONLY', applicable: false, reason: 'DISCOUNT_CODE_NOT_VALID_IN_CHANNEL' },
      { code: 'BIGBASKET', applicable: false, reason: 'DISCOUNT_CODE_MINIMUM_NOT_MET' },
      { code: 'FRIENDLY', applicable: false, reason: 'DISCOUNT_CODE_NOT_COMBINABLE' },
      { code: 'ALONE', applicable: true, reason: null },
    ])
    expect(two.cart?.discountTotal.amountMinor).toBe(percentOff(variant(4).price, 20))
    expectConsistent(two.cart!)
  })

  it('prices a cart once per request, however many of its fields and lines ask', async () => {
    await promotion({ kind: 'CODE', name: 'Once', codes: ['ONCE'], value: { percentage: 10 } })
    const { cartId, headers } = await newCart([
      { index: 13, quantity: 1 },
      { index: 14, quantity: 1 },
      { index: 15, quantity: 1 },
    ])
    await updateCodes(api, cartId, ['once', 'unknown-one'], headers)
    testDb.statements.length = 0
    const cart = await readDiscountedCart(api, cartId, headers)
    expect(cart.lines).toHaveLength(3)
    expect(cart.discountTotal.amountMinor).toBeGreaterThan(0)
    const candidateReads = testDb.statements.filter((statement) => statement.includes('from "promotion" as "p"'))
    expect(candidateReads).toHaveLength(1)
  })

  it('adds several promotions up: allocations sum to discountTotal, total = subtotal − discount, tax after discounts', async () => {
    await promotion({
      kind: 'AUTOMATIC',
      name: 'Third off this one',
      value: { percentage: 33.33 },
      target: { variantIds: [variant(5).gid] },
    })
    await promotion({ kind: 'CODE', name: 'Seven', codes: ['SEVEN'], value: { percentage: 7 } })
    const { cartId, headers } = await newCart([
      { index: 5, quantity: 3 },
      { index: 6, quantity: 2 },
      { index: 7, quantity: 1 },
    ])
    const undiscounted = await readDiscountedCart(api, cartId, headers)
    const { cart } = (await updateCodes(api, cartId, ['seven'], headers)) as CartPayload
    expect(cart!.discountTotal.amountMinor).toBeGreaterThan(undiscounted.discountTotal.amountMinor)
    // Both at priority 0: they apply in the order of their ids, so compare as a set.
    expect(
      lineOf(cart!, 5)
        .discountAllocations.map((allocation) => allocation.promotion.name)
        .sort(),
    ).toEqual(['Seven', 'Third off this one'])
    expectConsistent(cart!)
    expect(cart!.subtotal).toEqual(undiscounted.subtotal)
    expect(cart!.tax.amountMinor).toBeLessThan(undiscounted.tax.amountMinor)
  })

  it('prices again when the store is chosen and when a line is added', async () => {
    await promotion({
      kind: 'AUTOMATIC',
      name: 'Rivoli week',
      value: { percentage: 10 },
      target: { variantIds: [variant(8).gid] },
      storeIds: [rivoli],
    })
    await promotion({
      kind: 'AUTOMATIC',
      name: 'Three for less',
      value: { percentage: 25 },
      target: { variantIds: [variant(9).gid] },
      minQuantity: 3,
    })
    const { cartId, headers } = await newCart([
      { index: 8, quantity: 1 },
      { index: 9, quantity: 2 },
    ])
    const plain = await readDiscountedCart(api, cartId, headers)
    expect(plain.discountTotal.amountMinor).toBe(0)

    const stored = await api.gql<{ cartSetPickupStore: { cart: { id: string } } }>(
      SET_PICKUP_STORE,
      { input: { cartId, storeId: rivoli } },
      { headers },
    )
    expect(stored.errors).toBeUndefined()
    const inRivoli = await readDiscountedCart(api, cartId, headers)
    expect(inRivoli.pickupStore).toEqual({ code: 'PAR-RIVOLI' })
    const rivoliLine = lineOf(inRivoli, 8)
    expect(rivoliLine.discountAllocations).toEqual([
      expect.objectContaining({
        amount: { amountMinor: percentOff(rivoliLine.lineTotal.amountMinor, 10), currencyCode: 'EUR' },
      }),
    ])
    expect(lineOf(inRivoli, 9).discountAllocations).toEqual([])

    const added = await api.gql<{ cartLinesAdd: { userErrors: unknown[] } }>(
      ADD_LINES,
      { input: { cartId, lines: [{ variantId: variant(9).gid, quantity: 1 }] } },
      { headers },
    )
    expect(added.data?.cartLinesAdd.userErrors).toEqual([])
    const reached = await readDiscountedCart(api, cartId, headers)
    const threeLine = lineOf(reached, 9)
    expect(threeLine.quantity).toBe(3)
    expect(threeLine.discountAllocations.map((allocation) => allocation.amount.amountMinor)).toEqual([
      percentOff(threeLine.lineTotal.amountMinor, 25),
    ])
    expectConsistent(reached)

    // Another store: the store-only promotion goes, the minimum stays met.
    await api.gql(SET_PICKUP_STORE, { input: { cartId, storeId: oberkampf } }, { headers })
    const inOberkampf = await readDiscountedCart(api, cartId, headers)
    expect(lineOf(inOberkampf, 8).discountAllocations).toEqual([])
    expect(lineOf(inOberkampf, 9).discountAllocations).toHaveLength(1)
  })

  it('keeps the codes on the cart a signed-in customer opens on another channel, priced for that channel', async () => {
    await promotion({
      kind: 'CODE',
      name: 'App treat',
      codes: ['APPTREAT'],
      value: { percentage: 10 },
      channels: ['APP'],
    })
    const signUp = await api.gql<{ customerSignUp: { accessToken: string } }>(
      'mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) { accessToken } }',
      { input: { email: 'codes.everywhere@example.com', password: 'a long and varied secret', name: 'Codes' } },
    )
    const token = signUp.data!.customerSignUp.accessToken
    const web = await createCart(api, { channel: 'WEB', lines: [{ variantId: variant(10).gid, quantity: 1 }] }, token)
    const onWeb = await api.gql<{ cartDiscountCodesUpdate: CartPayload }>(
      `mutation($input: CartDiscountCodesUpdateInput!) { cartDiscountCodesUpdate(input: $input) { cart { ${DISCOUNT_FIELDS} } userErrors { code } } }`,
      { input: { cartId: web.cart.id, codes: ['apptreat'] } },
      { token },
    )
    expect(onWeb.data?.cartDiscountCodesUpdate.cart?.discountCodes).toEqual([
      { code: 'APPTREAT', applicable: false, reason: 'DISCOUNT_CODE_NOT_VALID_IN_CHANNEL' },
    ])

    // The app opens the customer's cart (the same one) and adds to it: the change comes from APP.
    const app = await createCart(api, { channel: 'APP', lines: [{ variantId: variant(10).gid, quantity: 1 }] }, token)
    expect(app.cart.id).toBe(web.cart.id)
    const onApp = await api.gql<{ cart: DiscountedCart }>(
      `query($id: ID!) { cart(id: $id) { ${DISCOUNT_FIELDS} } }`,
      { id: app.cart.id },
      { token },
    )
    const cart = onApp.data!.cart
    expect(cart.lastChannel).toBe('APP')
    expect(cart.discountCodes).toEqual([{ code: 'APPTREAT', applicable: true, reason: null }])
    expect(cart.discountTotal.amountMinor).toBe(percentOff(variant(10).price * 2, 10))
    expectConsistent(cart)
  })
})

describe('cartDiscountCodesUpdate among other writes', () => {
  it('loses no change when codes and lines are written to one cart at once', async () => {
    await promotion({ kind: 'CODE', name: 'Racing', codes: ['RACE'], value: { percentage: 10 } })
    const { cartId, headers } = await newCart([{ index: 14, quantity: 1 }])
    const adds = Array.from({ length: 4 }, () =>
      api.gql<{ cartLinesAdd: { userErrors: unknown[] } }>(
        ADD_LINES,
        { input: { cartId, lines: [{ variantId: variant(14).gid, quantity: 1 }] } },
        { headers },
      ),
    )
    const [codes, ...added] = await Promise.all([updateCodes(api, cartId, ['race'], headers), ...adds])
    expect(codes.userErrors).toEqual([])
    for (const result of added) expect(result.data?.cartLinesAdd.userErrors).toEqual([])
    const cart = await readDiscountedCart(api, cartId, headers)
    expect(lineOf(cart, 14).quantity).toBe(5)
    expect(cart.discountCodes).toEqual([{ code: 'RACE', applicable: true, reason: null }])
    expect(cart.discountTotal.amountMinor).toBe(percentOff(lineOf(cart, 14).lineTotal.amountMinor, 10))
    const journey = await journeyOf(cartId)
    expect(journey.events.filter((event) => event.type === 'discount_codes_updated')).toHaveLength(1)
    expect(journey.events.filter((event) => event.type === 'lines_added')).toHaveLength(5)
  })
})

describe('cartDiscountCodesUpdate refusals', () => {
  async function unchangedAfter(cartId: string, attempt: () => Promise<void>) {
    const before = await cartRow(cartId)
    const journey = await journeyOf(cartId)
    await attempt()
    expect(await cartRow(cartId)).toEqual(before)
    expect(await journeyOf(cartId)).toEqual(journey)
  }

  it('refuses bad codes with typed userErrors and changes nothing', async () => {
    const { cartId, headers } = await newCart([{ index: 11, quantity: 1 }])
    await updateCodes(api, cartId, ['KEEP'], headers)
    await unchangedAfter(cartId, async () => {
      const six = await updateCodes(api, cartId, ['a', 'b', 'c', 'd', 'e', 'f'], headers)
      expect(six).toEqual({
        cart: null,
        userErrors: [expect.objectContaining({ code: 'TOO_MANY_DISCOUNT_CODES', field: ['codes'] })],
      })
      const bad = await updateCodes(api, cartId, ['ok', '   ', 'x'.repeat(65)], headers)
      expect(bad.userErrors).toEqual([
        expect.objectContaining({ code: 'INVALID_DISCOUNT_CODE', field: ['codes', '1'] }),
        expect.objectContaining({ code: 'INVALID_DISCOUNT_CODE', field: ['codes', '2'] }),
      ])
    })
    // Five distinct codes (the same code in any case counts once) and 64 characters are fine.
    const fine = await updateCodes(api, cartId, ['a', 'A', 'b', 'c', 'd', 'y'.repeat(64)], headers)
    expect(fine.userErrors).toEqual([])
    expect(fine.cart?.discountCodes.map((code) => code.code)).toEqual(['A', 'B', 'C', 'D', 'Y'.repeat(64)])
  })

  it("refuses someone else's cart and a cart no longer active, changing nothing", async () => {
    const mine = await newCart([{ index: 11, quantity: 1 }])
    const theirs = await newCart([{ index: 11, quantity: 1 }])
    await unchangedAfter(mine.cartId, async () => {
      const foreign = await updateCodes(api, mine.cartId, ['X'], theirs.headers)
      expect(foreign).toEqual({ cart: null, userErrors: [expect.objectContaining({ code: 'CART_NOT_FOUND' })] })
      const anonymous = await updateCodes(api, mine.cartId, ['X'], {})
      expect(anonymous.userErrors).toEqual([expect.objectContaining({ code: 'CART_NOT_FOUND' })])
    })
    await testDb.db.updateTable('cart').set({ status: 'CHECKED_OUT' }).where('id', '=', rawId(mine.cartId)).execute()
    await unchangedAfter(mine.cartId, async () => {
      const closed = await updateCodes(api, mine.cartId, ['X'], mine.headers)
      expect(closed.userErrors).toEqual([expect.objectContaining({ code: 'CART_NOT_ACTIVE' })])
    })
  })

  it('stops guessing: past ten unknown codes in 15 minutes a cart gets TOO_MANY_ATTEMPTS', async () => {
    await promotion({ kind: 'CODE', name: 'Real', codes: ['REAL'], value: { percentage: 5 } })
    const { cartId, headers } = await newCart([{ index: 12, quantity: 1 }])
    // Known codes give their attempt back, and codes already on the cart are not guessed again.
    for (let round = 0; round < 6; round++) {
      expect((await updateCodes(api, cartId, ['real'], headers)).userErrors).toEqual([])
      expect((await updateCodes(api, cartId, [], headers)).userErrors).toEqual([])
    }
    expect((await updateCodes(api, cartId, ['g1', 'g2', 'g3', 'g4', 'g5'], headers)).userErrors).toEqual([])
    expect((await updateCodes(api, cartId, ['g1', 'g2', 'g3', 'g4', 'g5'], headers)).userErrors).toEqual([])
    expect((await updateCodes(api, cartId, ['g6', 'g7', 'g8', 'g9', 'g10'], headers)).userErrors).toEqual([])
    await unchangedAfter(cartId, async () => {
      const refused = await updateCodes(api, cartId, ['g6', 'g7', 'g8', 'g9', 'g11'], headers)
      expect(refused).toEqual({ cart: null, userErrors: [expect.objectContaining({ code: 'TOO_MANY_ATTEMPTS' })] })
      // While locked, even a known code new to the cart is refused: it would be checked first.
      const known = await updateCodes(api, cartId, ['real'], headers)
      expect(known.userErrors).toEqual([expect.objectContaining({ code: 'TOO_MANY_ATTEMPTS' })])
    })
    // Taking codes off guesses nothing; another cart has its own limit.
    expect((await updateCodes(api, cartId, ['g6'], headers)).userErrors).toEqual([])
    const other = await newCart([{ index: 12, quantity: 1 }])
    expect((await updateCodes(api, other.cartId, ['g11'], other.headers)).userErrors).toEqual([])
  })

  it('stops guessing across carts too: new carts from one address buy no new guesses', async () => {
    // A real socket behind a trusted proxy, so that each request says its own address.
    const live = await startLiveServer(createTestApp(testDb, { now: () => clock, env: { TRUST_PROXY: '127.0.0.1' } }))
    const update = async (
      cart: { cartId: string; headers: Record<string, string> },
      codes: string[],
      address: string,
    ) => {
      const result = (await live.gql(
        'mutation($input: CartDiscountCodesUpdateInput!) { cartDiscountCodesUpdate(input: $input) { userErrors { code } } }',
        { input: { cartId: cart.cartId, codes } },
        { ...cart.headers, 'x-forwarded-for': address },
      )) as { data: { cartDiscountCodesUpdate: { userErrors: { code: string }[] } } }
      return result.data.cartDiscountCodesUpdate.userErrors.map((error) => error.code)
    }
    try {
      const carts = await Promise.all(Array.from({ length: 4 }, () => newCart([{ index: 12, quantity: 1 }])))
      // Three carts of ten unknown codes each: the address's thirty, each cart within its own ten.
      for (const [index, cart] of carts.slice(0, 3).entries()) {
        for (const half of [0, 1]) {
          const codes = Array.from({ length: 5 }, (_, position) => `ADDR${index}X${half}X${position}`)
          expect(await update(cart, codes, '203.0.113.77')).toEqual([])
        }
      }
      const last = carts[3]!
      expect(await update(last, ['ADDRNEXT'], '203.0.113.77')).toEqual(['TOO_MANY_ATTEMPTS'])
      // Another address is not held back by this one's guesses.
      expect(await update(last, ['ADDRNEXT'], '198.51.100.9')).toEqual([])
    } finally {
      await live.close()
    }
  })
})
