import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ADD_LINES,
  CART_FIELDS,
  type CartShape,
  cartHeaders,
  UPDATE_LINES,
  type UserErrorShape,
} from '../fixtures/carts.js'
import { globalId } from '../fixtures/ids.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

// Issue 13: a cart write costs at most 4 SQL statements, counted as the bench counts them
// (every statement sent, BEGIN and COMMIT included, the reply's reads too).
const MAX_STATEMENTS = 4

// Issue 16: the reply's totals are the cart priced with its promotions on read
// (priceWithPromotions, in promotions/): its reads are counted apart, once per request whatever
// the fields asked (subtotal, tax, total), and at most three (variant scopes, candidate
// promotions, the customer's uses of them).
const MAX_PRICING_STATEMENTS = 3
const PRICING_READ = /WITH RECURSIVE targeted|from "promotion"|from "promotion_usage"/

function expectWithinBudget(statements: string[]) {
  const pricing = statements.filter((statement) => PRICING_READ.test(statement))
  const rest = statements.filter((statement) => !PRICING_READ.test(statement))
  expect(rest.length, rest.join('\n---\n')).toBeLessThanOrEqual(MAX_STATEMENTS)
  expect(pricing.length, pricing.join('\n---\n')).toBeGreaterThan(0)
  expect(pricing.length, pricing.join('\n---\n')).toBeLessThanOrEqual(MAX_PRICING_STATEMENTS)
}

const CREATE = `mutation($input: CartCreateInput!) {
  cartCreate(input: $input) { cart { ${CART_FIELDS} } cartToken userErrors { code field message } }
}`

let testDb: TestDb
let api: TestApp
let v: string[]

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  const rows = await testDb.db
    .selectFrom('variant')
    .select('id')
    .where('active', '=', true)
    .orderBy('sku')
    .limit(3)
    .execute()
  v = rows.map((row) => globalId('Variant', row.id))
})
afterAll(() => testDb.destroy())

type CartPayload = { cart: CartShape | null; cartToken?: string; userErrors: UserErrorShape[] }

/** Sends one mutation alone and answers its payload and the statements it cost. */
async function counted(
  query: string,
  field: string,
  input: Record<string, unknown>,
  options: { token?: string; headers?: Record<string, string> },
) {
  testDb.statements.length = 0
  const result = await api.gql<Record<string, CartPayload>>(query, { input }, options)
  const statements = [...testDb.statements]
  expect(result.errors).toBeUndefined()
  const payload = result.data![field]!
  expect(payload.userErrors).toEqual([])
  return { payload, statements }
}

function quantities(cart: CartShape | null) {
  return cart?.lines.map((line) => [line.variant.id, line.quantity])
}

async function signUp(email: string): Promise<string> {
  const result = await api.gql<{ customerSignUp: { accessToken: string } }>(
    'mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) { accessToken } }',
    { input: { email, password: 'a long and varied secret', name: 'Counted' } },
  )
  return result.data!.customerSignUp.accessToken
}

/** cartCreate with lines, then cartLinesAdd and cartLinesUpdate on that cart, each counted. */
async function threeWrites(auth: { token?: string }, headersOf: (cartToken: string) => Record<string, string>) {
  const create = await counted(
    CREATE,
    'cartCreate',
    { channel: 'WEB', lines: [{ variantId: v[0], quantity: 2 }] },
    auth,
  )
  const cartId = create.payload.cart!.id
  const headers = headersOf(create.payload.cartToken!)
  const add = await counted(
    ADD_LINES,
    'cartLinesAdd',
    {
      cartId,
      lines: [
        { variantId: v[0], quantity: 1 },
        { variantId: v[1], quantity: 3 },
      ],
    },
    { ...auth, headers },
  )
  const update = await counted(
    UPDATE_LINES,
    'cartLinesUpdate',
    {
      cartId,
      lines: [
        { variantId: v[0], quantity: 0 },
        { variantId: v[2], quantity: 4 },
      ],
    },
    { ...auth, headers },
  )
  return { create, add, update }
}

describe('cart writes in at most four SQL statements', () => {
  it('for a guest with a cart token: cartCreate with lines, cartLinesAdd, cartLinesUpdate', async () => {
    const { create, add, update } = await threeWrites({}, (cartToken) => cartHeaders(cartToken))
    expect(quantities(create.payload.cart)).toEqual([[v[0], 2]])
    expect(quantities(add.payload.cart)).toEqual([
      [v[0], 3],
      [v[1], 3],
    ])
    expect(quantities(update.payload.cart)).toEqual([
      [v[1], 3],
      [v[2], 4],
    ])
    for (const write of [create, add, update]) {
      expectWithinBudget(write.statements)
    }
  })

  it('for a signed-in customer (whose access token is checked against the database too)', async () => {
    const token = await signUp('counted@example.com')
    const { create, add, update } = await threeWrites({ token }, () => ({}))
    expect(quantities(update.payload.cart)).toEqual([
      [v[1], 3],
      [v[2], 4],
    ])
    for (const write of [create, add, update]) {
      expectWithinBudget(write.statements)
    }
    // Another device of theirs opens the same cart, its lines added to it.
    const again = await counted(
      CREATE,
      'cartCreate',
      { channel: 'APP', lines: [{ variantId: v[1], quantity: 1 }] },
      { token },
    )
    expect(again.payload.cart!.id).toBe(create.payload.cart!.id)
    expect(quantities(again.payload.cart)).toEqual([
      [v[1], 4],
      [v[2], 4],
    ])
    expectWithinBudget(again.statements)
  })

  it('writes the journey event and its outbox event with each change, in the same statement', async () => {
    const { create } = await threeWrites({}, (cartToken) => cartHeaders(cartToken))
    const cartId = Buffer.from(create.payload.cart!.id, 'base64').toString().split(':')[1]!
    const journey = await testDb.db
      .selectFrom('cart_event')
      .select(['type', 'channel'])
      .where('cart_id', '=', cartId)
      .orderBy('id')
      .execute()
    expect(journey.map((event) => event.type)).toEqual(['created', 'lines_added', 'lines_added', 'lines_updated'])
    const outbox = await testDb.db
      .selectFrom('outbox_event')
      .select(['type', 'payload'])
      .where('aggregate_id', '=', cartId)
      .orderBy('id')
      .execute()
    expect(outbox.map((event) => event.type)).toEqual([
      'cart.created',
      'cart.lines_added',
      'cart.lines_added',
      'cart.lines_updated',
    ])
    expect(outbox[0]!.payload).toEqual({ cartId, channel: 'WEB', storefrontId: null })
  })

  it('writes nothing when a change is refused', async () => {
    const { create } = await threeWrites({}, (cartToken) => cartHeaders(cartToken))
    const headers = cartHeaders(create.payload.cartToken!)
    const before = await testDb.db.selectFrom('cart_event').select('id').execute()
    const refused = await api.gql<{ cartLinesAdd: CartPayload }>(
      ADD_LINES,
      { input: { cartId: create.payload.cart!.id, lines: [{ variantId: v[1], quantity: 97 }] } },
      { headers },
    )
    expect(refused.data!.cartLinesAdd.userErrors.map((error) => error.code)).toEqual(['QUANTITY_LIMIT'])
    expect(await testDb.db.selectFrom('cart_event').select('id').execute()).toHaveLength(before.length)
  })
})
