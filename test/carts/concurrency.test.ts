import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADD_LINES, type CartShape, cartHeaders, createCart, DEMO_KIOSK_HEADERS, READ_CART } from '../fixtures/carts.js'
import { globalId } from '../fixtures/ids.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

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

describe('devices changing one cart at the same moment', () => {
  it('loses nothing: 40 parallel adds of one unit from two devices make 40', async () => {
    const phone = await createCart(api, { channel: 'APP' })
    const handoff = await api.gql<{ cartHandoffCreate: { code: string } }>(
      'mutation($input: CartHandoffCreateInput!) { cartHandoffCreate(input: $input) { code } }',
      { input: { cartId: phone.cart.id } },
      { headers: cartHeaders(phone.cartToken) },
    )
    const claim = await api.gql<{ cartHandoffClaim: { cartToken: string } }>(
      'mutation($input: CartHandoffClaimInput!) { cartHandoffClaim(input: $input) { cartToken } }',
      { input: { code: handoff.data!.cartHandoffCreate.code, channel: 'WEB' } },
    )
    const tabletToken = claim.data!.cartHandoffClaim.cartToken
    const adds = Array.from({ length: 40 }, (_, i) =>
      api.gql<{ cartLinesAdd: { userErrors: unknown[] } }>(
        ADD_LINES,
        { input: { cartId: phone.cart.id, lines: [{ variantId: v[0], quantity: 1 }] } },
        { headers: cartHeaders(i % 2 === 0 ? phone.cartToken : tabletToken) },
      ),
    )
    const results = await Promise.all(adds)
    expect(results.filter((r) => r.errors || r.data?.cartLinesAdd.userErrors.length)).toEqual([])
    const read = await api.gql<{ cart: CartShape }>(
      READ_CART,
      { id: phone.cart.id },
      { headers: cartHeaders(phone.cartToken) },
    )
    expect(read.data!.cart.lines.map((line) => line.quantity)).toEqual([40])
    const events = await testDb.db
      .selectFrom('cart_event')
      .select(['channel'])
      .where('type', '=', 'lines_added')
      .where('cart_id', '=', Buffer.from(phone.cart.id, 'base64').toString().split(':')[1]!)
      .execute()
    expect(events.filter((e) => e.channel === 'APP')).toHaveLength(20)
    expect(events.filter((e) => e.channel === 'WEB')).toHaveLength(20)
  })

  it('lets exactly one of ten devices claim a hand-off code', async () => {
    const phone = await createCart(api, { channel: 'APP' })
    const handoff = await api.gql<{ cartHandoffCreate: { code: string } }>(
      'mutation($input: CartHandoffCreateInput!) { cartHandoffCreate(input: $input) { code } }',
      { input: { cartId: phone.cart.id } },
      { headers: cartHeaders(phone.cartToken) },
    )
    const claims = await Promise.all(
      Array.from({ length: 10 }, () =>
        api.gql<{ cartHandoffClaim: { cartToken: string | null } }>(
          'mutation($input: CartHandoffClaimInput!) { cartHandoffClaim(input: $input) { cartToken } }',
          { input: { code: handoff.data!.cartHandoffCreate.code, channel: 'KIOSK' } },
          { headers: DEMO_KIOSK_HEADERS },
        ),
      ),
    )
    expect(claims.filter((c) => c.data?.cartHandoffClaim.cartToken)).toHaveLength(1)
  })

  it('merges two anonymous carts signed in at once into one active cart', async () => {
    await api.gql('mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) { userErrors { code } } }', {
      input: { email: 'race@example.com', password: 'a long and varied secret', name: 'Race' },
    })
    const a = await createCart(api, { channel: 'APP', lines: [{ variantId: v[0]!, quantity: 1 }] })
    const b = await createCart(api, { channel: 'WEB', lines: [{ variantId: v[1]!, quantity: 2 }] })
    const signIn = (cart: { cart: CartShape; cartToken: string }) =>
      api.gql<{ customerSignIn: { cart: CartShape | null; userErrors: unknown[] } }>(
        `mutation($input: CustomerSignInInput!) { customerSignIn(input: $input) { cart { id lines { quantity variant { id } } } userErrors { code } } }`,
        { input: { email: 'race@example.com', password: 'a long and varied secret', cartId: cart.cart.id } },
        { headers: cartHeaders(cart.cartToken) },
      )
    const [first, second] = await Promise.all([signIn(a), signIn(b)])
    expect(first.data!.customerSignIn.userErrors).toEqual([])
    expect(second.data!.customerSignIn.userErrors).toEqual([])
    const carts = await testDb.db
      .selectFrom('cart')
      .innerJoin('customer', 'customer.id', 'cart.customer_id')
      .select(['cart.id', 'cart.status'])
      .where('customer.email', '=', 'race@example.com')
      .execute()
    expect(carts.filter((c) => c.status === 'ACTIVE')).toHaveLength(1)
    const active = carts.find((c) => c.status === 'ACTIVE')!
    const lines = await testDb.db
      .selectFrom('cart_line')
      .select(['quantity'])
      .where('cart_id', '=', active.id)
      .execute()
    expect(lines.map((line) => line.quantity).sort()).toEqual([1, 2])
  })
})
