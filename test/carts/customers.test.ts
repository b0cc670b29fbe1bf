import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ADD_LINES,
  CART_FIELDS,
  type CartShape,
  cartHeaders,
  createCart,
  DEMO_KIOSK_HEADERS,
  READ_CART,
  type UserErrorShape,
} from '../fixtures/carts.js'
import { globalId } from '../fixtures/ids.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let variantGids: string[]

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
  variantGids = rows.map((row) => globalId('Variant', row.id))
})
afterAll(() => testDb.destroy())

interface AuthPayload {
  customer: { id: string; email: string; name: string } | null
  accessToken: string | null
  cart: CartShape | null
  userErrors: UserErrorShape[]
}

const SIGN_UP = `mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) {
  customer { id email name } accessToken cart { ${CART_FIELDS} } userErrors { code field message } } }`
const SIGN_IN = `mutation($input: CustomerSignInInput!) { customerSignIn(input: $input) {
  customer { id email name } accessToken cart { ${CART_FIELDS} } userErrors { code field message } } }`
const ME = `{ me { id email name activeCart { id itemCount lines { quantity } } } }`

async function signUp(input: Record<string, unknown>, headers: Record<string, string> = {}) {
  const result = await api.gql<{ customerSignUp: AuthPayload }>(SIGN_UP, { input }, { headers })
  return result.data!.customerSignUp
}
async function signIn(input: Record<string, unknown>, headers: Record<string, string> = {}) {
  const result = await api.gql<{ customerSignIn: AuthPayload }>(SIGN_IN, { input }, { headers })
  return result.data!.customerSignIn
}

describe('customer accounts', () => {
  it('has the seeded demo customer ready to sign in', async () => {
    const alice = await signIn({ email: 'alice@comptoir.dev', password: 'comptoir-alice' })
    expect(alice.userErrors).toEqual([])
    expect(alice.customer).toMatchObject({ email: 'alice@comptoir.dev', name: 'Alice Martin' })
  })

  it('signs up, signs in case-insensitively, and `me` answers with the account', async () => {
    const created = await signUp({ email: 'Bob@Example.com', password: 'a long and varied secret', name: ' Bob ' })
    expect(created.userErrors).toEqual([])
    expect(created.customer).toMatchObject({ email: 'bob@example.com', name: 'Bob' })
    const row = await testDb.db
      .selectFrom('customer')
      .select('password_hash')
      .where('email', '=', 'bob@example.com')
      .executeTakeFirstOrThrow()
    expect(row.password_hash).toMatch(/^scrypt\$/)
    expect(row.password_hash).not.toContain('a long and varied secret')

    const signedIn = await signIn({ email: 'BOB@example.COM', password: 'a long and varied secret' })
    expect(signedIn.customer!.id).toBe(created.customer!.id)
    const me = await api.gql<{ me: { email: string; activeCart: unknown } }>(ME, {}, { token: signedIn.accessToken! })
    expect(me.data!.me).toMatchObject({ email: 'bob@example.com', activeCart: null })
    expect((await api.gql(ME)).data).toEqual({ me: null })
  })

  it('refuses a taken email (whatever its case), a weak password and a malformed email', async () => {
    await signUp({ email: 'carol@example.com', password: 'a long and varied secret', name: 'Carol' })
    const taken = await signUp({ email: 'CAROL@example.com', password: 'another long secret', name: 'Carol 2' })
    expect(taken.userErrors.map((e) => e.code)).toEqual(['EMAIL_TAKEN'])
    const weak = await signUp({ email: 'dave@example.com', password: 'short', name: 'Dave' })
    expect(weak.userErrors).toMatchObject([{ code: 'WEAK_PASSWORD', field: ['password'] }])
    const malformed = await signUp({ email: 'not-an-email', password: 'a long and varied secret', name: 'X' })
    expect(malformed.userErrors.map((e) => e.code)).toEqual(['INVALID_EMAIL'])
    const count = await testDb.db
      .selectFrom('customer')
      .select('email')
      .where('email', 'in', ['dave@example.com', 'not-an-email'])
      .execute()
    expect(count).toEqual([])
  })

  it('answers the same for an unknown email and a wrong password, and locks the email after repeated failures', async () => {
    await signUp({ email: 'erin@example.com', password: 'a long and varied secret', name: 'Erin' })
    const unknown = await signIn({ email: 'nobody@example.com', password: 'whatever it is' })
    const wrong = await signIn({ email: 'erin@example.com', password: 'not the password' })
    expect(unknown.userErrors).toEqual(wrong.userErrors)
    expect(wrong.userErrors.map((e) => e.code)).toEqual(['INVALID_CREDENTIALS'])
    for (let i = 0; i < 4; i++) await signIn({ email: 'erin@example.com', password: 'not the password' })
    const locked = await signIn({ email: 'erin@example.com', password: 'a long and varied secret' })
    expect(locked.userErrors.map((e) => e.code)).toEqual(['TOO_MANY_ATTEMPTS'])
    expect(locked.accessToken).toBeNull()
    // Another email is not affected.
    const other = await signIn({ email: 'carol@example.com', password: 'a long and varied secret' })
    expect(other.userErrors).toEqual([])
  })
})

describe('carts and sign-in', () => {
  it('keeps the anonymous cart at sign-up, and the same cart shows on every device of the customer', async () => {
    const { cart, cartToken } = await createCart(api, {
      channel: 'APP',
      lines: [{ variantId: variantGids[0]!, quantity: 2 }],
    })
    const created = await signUp(
      { email: 'fay@example.com', password: 'a long and varied secret', name: 'Fay', cartId: cart.id },
      cartHeaders(cartToken),
    )
    expect(created.cart!.id).toBe(cart.id)
    // A second device signs in with no cart and creates one: it gets the same cart.
    const tablet = await signIn({ email: 'fay@example.com', password: 'a long and varied secret' })
    expect(tablet.cart!.id).toBe(cart.id)
    const again = await createCart(
      api,
      { channel: 'WEB', lines: [{ variantId: variantGids[1]!, quantity: 1 }] },
      tablet.accessToken!,
    )
    expect(again.cart.id).toBe(cart.id)
    expect(again.cart.lines.map((line) => line.quantity)).toEqual([2, 1])
    const me = await api.gql<{ me: { activeCart: { id: string } } }>(ME, {}, { token: tablet.accessToken! })
    expect(me.data!.me.activeCart.id).toBe(cart.id)
  })

  it('merges an anonymous cart into the active cart on sign-in, summing and capping quantities', async () => {
    const owner = await signUp({ email: 'gus@example.com', password: 'a long and varied secret', name: 'Gus' })
    const own = await createCart(
      api,
      {
        channel: 'WEB',
        lines: [
          { variantId: variantGids[0]!, quantity: 60 },
          { variantId: variantGids[1]!, quantity: 1 },
        ],
      },
      owner.accessToken!,
    )
    const anonymous = await createCart(api, {
      channel: 'KIOSK',
      lines: [
        { variantId: variantGids[0]!, quantity: 50 },
        { variantId: variantGids[2]!, quantity: 3 },
      ],
    })
    const merged = await signIn(
      { email: 'gus@example.com', password: 'a long and varied secret', cartId: anonymous.cart.id },
      // Signed in at the kiosk that started the cart: the merge is a KIOSK change.
      { ...cartHeaders(anonymous.cartToken), ...DEMO_KIOSK_HEADERS },
    )
    expect(merged.userErrors).toEqual([])
    expect(merged.cart!.id).toBe(own.cart.id)
    expect(merged.cart!.lines.map((line) => [line.variant.id, line.quantity])).toEqual([
      [variantGids[0], 99],
      [variantGids[1], 1],
      [variantGids[2], 3],
    ])
    expect(merged.cart!.lastChannel).toBe('KIOSK')
    const active = await testDb.db
      .selectFrom('cart')
      .select(['id', 'status'])
      .where('customer_id', '=', Buffer.from(owner.customer!.id, 'base64').toString().split(':')[1]!)
      .orderBy('status')
      .execute()
    expect(active.map((row) => row.status)).toEqual(['ACTIVE', 'MERGED'])
    // The kiosk's token now opens the surviving cart; the merged one refuses changes.
    const kiosk = await api.gql<{ cart: { id: string } }>(
      READ_CART,
      { id: own.cart.id },
      { headers: cartHeaders(anonymous.cartToken) },
    )
    expect(kiosk.data!.cart.id).toBe(own.cart.id)
  })

  it('refuses to merge a cart the caller cannot open, and changes nothing', async () => {
    await signUp({ email: 'hal@example.com', password: 'a long and varied secret', name: 'Hal' })
    const stranger = await createCart(api, { channel: 'WEB', lines: [{ variantId: variantGids[0]!, quantity: 1 }] })
    const result = await signIn({
      email: 'hal@example.com',
      password: 'a long and varied secret',
      cartId: stranger.cart.id,
    })
    expect(result.userErrors.map((e) => e.code)).toEqual(['CART_NOT_FOUND'])
    expect(result.accessToken).toBeNull()
    const row = await testDb.db
      .selectFrom('cart')
      .select('customer_id')
      .where('id', '=', Buffer.from(stranger.cart.id, 'base64').toString().split(':')[1]!)
      .executeTakeFirstOrThrow()
    expect(row.customer_id).toBeNull()
  })

  it("keeps another customer's cart away from a signed-in customer", async () => {
    const ivy = await signUp({ email: 'ivy@example.com', password: 'a long and varied secret', name: 'Ivy' })
    const jon = await signUp({ email: 'jon@example.com', password: 'a long and varied secret', name: 'Jon' })
    const ivysCart = await createCart(
      api,
      { channel: 'WEB', lines: [{ variantId: variantGids[0]!, quantity: 1 }] },
      ivy.accessToken!,
    )
    const peek = await api.gql<{ cart: unknown }>(READ_CART, { id: ivysCart.cart.id }, { token: jon.accessToken! })
    expect(peek.data).toEqual({ cart: null })
    const change = await api.gql<{ cartLinesAdd: { userErrors: UserErrorShape[] } }>(
      ADD_LINES,
      { input: { cartId: ivysCart.cart.id, lines: [{ variantId: variantGids[1]!, quantity: 1 }] } },
      { token: jon.accessToken! },
    )
    expect(change.data!.cartLinesAdd.userErrors.map((e) => e.code)).toEqual(['CART_NOT_FOUND'])
    const customerPeek = await api.gql<{ node: unknown }>(
      'query($id: ID!) { node(id: $id) { ... on Customer { email } } }',
      { id: ivy.customer!.id },
      { token: jon.accessToken! },
    )
    expect(customerPeek.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
  })
})
