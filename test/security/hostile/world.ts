import { randomBytes } from 'node:crypto'
import type { Caller, HostileHttp } from './http.js'
import { arrayAt, at, stringAt } from './json.js'

/** The demo accounts of a seeded server (README): the probes never attack the ones they work with. */
export const ACCOUNTS = {
  admin: { email: 'admin@comptoir.dev', password: 'comptoir-admin' },
  /** Works the store's counter for the probes; never a target. */
  manager: { email: 'manager.par-rivoli@comptoir.dev', password: 'comptoir-staff' },
  /** Target of the parallel password guessing. */
  guessed: { email: 'manager.par-oberkampf@comptoir.dev', password: 'comptoir-staff' },
  /** Staff of another store than the probes' one. */
  elsewhere: { email: 'manager.lyo-bellecour@comptoir.dev', password: 'comptoir-staff' },
  /** The victim strangers try to lock out. */
  victim: { email: 'manager.par-rennes@comptoir.dev', password: 'comptoir-staff' },
} as const

export const STORE_CODE = 'PAR-RIVOLI'

export interface PlacedOrder {
  orderId: string
  pickupCode: string
  cartId: string
  /** The token of the device that placed it (absent when a signed-in customer placed it alone). */
  cartToken: string | undefined
  total: string
}

export interface World {
  storeId: string
  /** Another store, for requests that cross stores. */
  otherStoreId: string
  /** A variant the store has plenty of. */
  variantId: string
  sku: string
  /** An admin token, for arranging what the probes need. */
  adminToken: string
  managerToken: string
  /** A fresh caller each time, so arranging never eats one client address's budget. */
  arranger(extra?: Omit<Caller, 'address'>): Caller
  signUpCustomer(): Promise<{ email: string; password: string; token: string }>
  newCart(caller: Caller, channel?: string): Promise<{ cartId: string; cartToken: string }>
  placeOrder(options: {
    paymentMode: 'ONLINE' | 'AT_PICKUP'
    caller?: Caller
    cart?: { cartId: string }
  }): Promise<PlacedOrder>
  /** Staff starts preparing the order. */
  startPreparing(orderId: string): Promise<void>
  /** Staff prepares the order and marks it ready for pickup. */
  makeReady(orderId: string): Promise<void>
}

export async function discoverWorld(http: HostileHttp): Promise<World> {
  const fresh = (extra: Omit<Caller, 'address'> = {}): Caller => ({ ...extra, address: http.newAddress() })
  const stores = await http.gql('{ stores(first: 20) { edges { node { id code } } } }', {}, fresh())
  const storeNodes = arrayAt(stores.data, 'stores', 'edges').map((edge) => at(edge, 'node'))
  const ourStore = stringAt(
    storeNodes.find((node) => stringAt(node, 'code') === STORE_CODE),
    'id',
  )
  const otherStore = stringAt(
    storeNodes.find((node) => stringAt(node, 'code') !== STORE_CODE),
    'id',
  )
  if (!ourStore || !otherStore) throw new Error(`the server has no store ${STORE_CODE}: is it seeded?`)
  const storeId: string = ourStore
  const otherStoreId: string = otherStore
  const adminToken = await signInStaff(http, ACCOUNTS.admin, fresh())
  const managerToken = await signInStaff(http, ACCOUNTS.manager, fresh())
  const { variantId, sku } = await bestStockedVariant(http, storeId, fresh())

  async function newCart(caller: Caller, channel = 'WEB') {
    const created = await http.gql(
      'mutation($input: CartCreateInput!) { cartCreate(input: $input) { cart { id } cartToken userErrors { code } } }',
      { input: { channel, storeId, lines: [{ variantId, quantity: 1 }] } },
      caller,
    )
    const cartId = stringAt(created.data, 'cartCreate', 'cart', 'id')
    const cartToken = stringAt(created.data, 'cartCreate', 'cartToken')
    if (!cartId || !cartToken) throw new Error(`cartCreate failed: ${created.text.slice(0, 300)}`)
    return { cartId, cartToken }
  }

  async function placeOrder(options: Parameters<World['placeOrder']>[0]): Promise<PlacedOrder> {
    const caller = options.caller ?? fresh()
    const cart = options.cart ? { ...options.cart, cartToken: caller.cartToken } : await newCart(caller)
    const { cartToken } = cart
    const slot = await firstFreeSlot(http, storeId, fresh())
    const placed = await http.gql(
      `mutation($input: CheckoutPlaceOrderInput!) { checkoutPlaceOrder(input: $input) {
         order { id total { amount } } pickupCode userErrors { code message } } }`,
      {
        input: {
          cartId: cart.cartId,
          storeId,
          pickupSlotStart: slot,
          paymentMode: options.paymentMode,
          idempotencyKey: `hostile-${randomBytes(8).toString('hex')}`,
          email: 'guest@hostile.example',
        },
      },
      { ...caller, cartToken },
    )
    const orderId = stringAt(placed.data, 'checkoutPlaceOrder', 'order', 'id')
    const pickupCode = stringAt(placed.data, 'checkoutPlaceOrder', 'pickupCode')
    const total = stringAt(placed.data, 'checkoutPlaceOrder', 'order', 'total', 'amount')
    if (!orderId || !pickupCode || !total) throw new Error(`checkoutPlaceOrder failed: ${placed.text.slice(0, 300)}`)
    return { orderId, pickupCode, cartId: cart.cartId, cartToken, total }
  }

  async function advance(orderId: string, mutation: 'orderStartPreparing' | 'orderMarkReady'): Promise<void> {
    const input = mutation === 'orderStartPreparing' ? 'OrderStartPreparingInput' : 'OrderMarkReadyInput'
    const answer = await http.gql(
      `mutation($input: ${input}!) { ${mutation}(input: $input) { order { status } userErrors { code } } }`,
      { input: { orderId } },
      fresh({ token: managerToken }),
    )
    if (!stringAt(answer.data, mutation, 'order', 'status')) {
      throw new Error(`${mutation} failed: ${answer.text.slice(0, 300)}`)
    }
  }
  const startPreparing = (orderId: string) => advance(orderId, 'orderStartPreparing')
  async function makeReady(orderId: string): Promise<void> {
    await startPreparing(orderId)
    await advance(orderId, 'orderMarkReady')
  }

  async function signUpCustomer() {
    const email = `hostile-${randomBytes(6).toString('hex')}@hostile.example`
    const password = `Pw-${randomBytes(12).toString('hex')}`
    const answer = await http.gql(
      `mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) { accessToken userErrors { code } } }`,
      { input: { email, password, name: 'Hostile Probe' } },
      fresh(),
    )
    const token = stringAt(answer.data, 'customerSignUp', 'accessToken')
    if (!token) throw new Error(`customerSignUp failed: ${answer.text.slice(0, 300)}`)
    return { email, password, token }
  }

  return {
    storeId,
    otherStoreId,
    variantId,
    sku,
    adminToken,
    managerToken,
    arranger: fresh,
    signUpCustomer,
    newCart,
    placeOrder,
    startPreparing,
    makeReady,
  }
}

export async function signInStaff(
  http: HostileHttp,
  account: { email: string; password: string },
  caller: Caller,
): Promise<string> {
  const answer = await http.gql(
    'mutation($input: StaffSignInInput!) { staffSignIn(input: $input) { accessToken userErrors { code } } }',
    { input: account },
    caller,
  )
  const token = stringAt(answer.data, 'staffSignIn', 'accessToken')
  if (!token) throw new Error(`staffSignIn of ${account.email} failed: ${answer.text.slice(0, 300)}`)
  return token
}

async function bestStockedVariant(http: HostileHttp, storeId: string, caller: Caller) {
  const answer = await http.gql(
    `query($storeId: ID!) { products(first: 20) { edges { node { variants { id sku
       availability(storeId: $storeId) { available } } } } } }`,
    { storeId },
    caller,
  )
  const variants = arrayAt(answer.data, 'products', 'edges').flatMap((edge) => arrayAt(edge, 'node', 'variants'))
  const best = variants
    .map((variant) => ({
      variantId: stringAt(variant, 'id'),
      sku: stringAt(variant, 'sku'),
      available: Number(at(variant, 'availability', 'available') ?? 0),
    }))
    .sort((a, b) => b.available - a.available)[0]
  if (!best?.variantId || !best.sku || best.available < 1) throw new Error(`no variant in stock at ${STORE_CODE}`)
  return { variantId: best.variantId, sku: best.sku }
}

async function firstFreeSlot(http: HostileHttp, storeId: string, caller: Caller): Promise<string> {
  const answer = await http.gql(
    'query($storeId: ID!) { pickupSlots(storeId: $storeId, days: 14) { start remaining } }',
    { storeId },
    caller,
  )
  const slot = arrayAt(answer.data, 'pickupSlots').find((candidate) => Number(at(candidate, 'remaining')) > 0)
  const start = stringAt(slot, 'start')
  if (!start) throw new Error(`no free pickup slot at ${STORE_CODE}: ${answer.text.slice(0, 200)}`)
  return start
}
