import { randomBytes } from 'node:crypto'

/** Who sends a case: each role reaches different resolvers. */
export type Role = 'anonymous' | 'customer' | 'manager' | 'terminal'

/** What a case needs from the world to be a well-formed request apart from its hostile value. */
export interface CaseScene {
  storeId: string
  variantId: string
  sku: string
  cartId: string
  /** An order ready for pickup: the counter's fields reach their checks. */
  readyOrderId: string
  /** An order the store is preparing, for orderMarkReady. */
  preparingOrderId: string
}

export interface InputCase {
  who: Role
  label: string
  document: string
  variables(value: unknown, scene: CaseScene): Record<string, unknown>
}

/** Text PostgreSQL refuses or that no column was sized for. */
export const HOSTILE_STRINGS: readonly string[] = [
  'a\u0000b',
  '\u0000',
  '\u0001\u0008\u001b[31m\u007f',
  'x\ud800y',
  'x'.repeat(100_000),
  '',
]

export const EXTREME_INTS: readonly number[] = [2_147_483_647, -2_147_483_648, 0, -1]

export const HOSTILE_AMOUNTS: readonly string[] = [
  '999999999.99',
  '99999999999999999999.99',
  '1e400',
  '-5.00',
  '0.001',
  'NaN',
  'Infinity',
  '',
  '\u0000',
]

const unique = () => randomBytes(6).toString('hex')

const cash = (amountTendered: unknown) => ({ method: 'CASH', amountTendered })

/** Every text argument a client can reach, one hostile string at a time. */
export const STRING_CASES: readonly InputCase[] = [
  {
    who: 'anonymous',
    label: 'products(query:)',
    document: 'query($v: String) { products(first: 2, query: $v) { edges { cursor } } }',
    variables: (v) => ({ v }),
  },
  {
    who: 'anonymous',
    label: 'product(slug:)',
    document: 'query($v: String) { product(slug: $v) { id } }',
    variables: (v) => ({ v }),
  },
  {
    who: 'anonymous',
    label: 'node(id:)',
    document: 'query($v: ID!) { node(id: $v) { id } }',
    variables: (v) => ({ v }),
  },
  {
    who: 'anonymous',
    label: 'order(id:)',
    document: 'query($v: ID!) { order(id: $v) { id } }',
    variables: (v) => ({ v }),
  },
  {
    who: 'anonymous',
    label: 'store(id:)',
    document: 'query($v: ID!) { store(id: $v) { id } }',
    variables: (v) => ({ v }),
  },
  {
    who: 'anonymous',
    label: 'staffSignIn(email, password)',
    document: 'mutation($input: StaffSignInInput!) { staffSignIn(input: $input) { userErrors { code } } }',
    variables: (v) => ({ input: { email: `${String(v)}@hostile.example`, password: v } }),
  },
  {
    who: 'anonymous',
    label: 'customerSignUp(email, name, phone)',
    document: 'mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) { userErrors { code } } }',
    variables: (v) => ({
      input: { email: `h${unique()}@hostile.example`, password: `Pw-${unique()}-long`, name: v, phone: v },
    }),
  },
  {
    who: 'anonymous',
    label: 'customerSignUp(email)',
    document: 'mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) { userErrors { code } } }',
    variables: (v) => ({
      input: { email: `${String(v)}${unique()}@hostile.example`, password: `Pw-${unique()}-long`, name: 'H' },
    }),
  },
  {
    who: 'anonymous',
    label: 'cartHandoffClaim(code)',
    document: 'mutation($input: CartHandoffClaimInput!) { cartHandoffClaim(input: $input) { userErrors { code } } }',
    variables: (v) => ({ input: { code: v, channel: 'WEB' } }),
  },
  {
    who: 'anonymous',
    label: 'orderArrive(pickupPass)',
    document: 'mutation($input: OrderArriveInput!) { orderArrive(input: $input) { userErrors { code } } }',
    variables: (v) => ({ input: { pickupPass: v } }),
  },
  {
    who: 'anonymous',
    label: 'checkoutPlaceOrder(idempotencyKey, email)',
    document:
      'mutation($input: CheckoutPlaceOrderInput!) { checkoutPlaceOrder(input: $input) { userErrors { code } } }',
    variables: (v, scene) => ({
      input: {
        cartId: scene.cartId,
        storeId: scene.storeId,
        pickupSlotStart: new Date(Date.now() + 86_400_000).toISOString(),
        paymentMode: 'AT_PICKUP',
        idempotencyKey: v,
        email: v,
      },
    }),
  },
  {
    who: 'customer',
    label: 'me.orders(after:)',
    document: 'query($v: String) { me { orders(first: 2, after: $v) { edges { cursor } } } }',
    variables: (v) => ({ v }),
  },
  {
    who: 'manager',
    label: 'customerLookup(query:)',
    document: 'query($v: String!) { customerLookup(query: $v) { id } }',
    variables: (v) => ({ v }),
  },
  {
    who: 'manager',
    label: 'inventoryReceive(reference)',
    document: 'mutation($input: InventoryReceiveInput!) { inventoryReceive(input: $input) { userErrors { code } } }',
    variables: (v, scene) => ({
      input: { storeId: scene.storeId, reference: v, lines: [{ variantId: scene.variantId, quantity: 1 }] },
    }),
  },
  {
    who: 'manager',
    label: 'inventoryAdjust(note)',
    document: 'mutation($input: InventoryAdjustInput!) { inventoryAdjust(input: $input) { userErrors { code } } }',
    variables: (v, scene) => ({
      input: { storeId: scene.storeId, variantId: scene.variantId, delta: 1, reason: 'FOUND', note: v },
    }),
  },
  {
    who: 'manager',
    label: 'posTerminalRegister(label, readerId)',
    document:
      'mutation($input: PosTerminalRegisterInput!) { posTerminalRegister(input: $input) { userErrors { code } } }',
    variables: (v, scene) => ({ input: { storeId: scene.storeId, label: v, readerId: v } }),
  },
  {
    who: 'manager',
    label: 'orderCollect(pickupCode)',
    document: 'mutation($input: OrderCollectInput!) { orderCollect(input: $input) { userErrors { code } } }',
    variables: (v, scene) => ({ input: { orderId: scene.readyOrderId, pickupCode: v } }),
  },
  {
    who: 'manager',
    label: 'orderCollect(pickupPass)',
    document: 'mutation($input: OrderCollectInput!) { orderCollect(input: $input) { userErrors { code } } }',
    variables: (v, scene) => ({ input: { orderId: scene.readyOrderId, pickupPass: v } }),
  },
  {
    who: 'terminal',
    label: 'posSaleCreate(barcode)',
    document: 'mutation($input: PosSaleCreateInput!) { posSaleCreate(input: $input) { userErrors { code } } }',
    variables: (v) => ({ input: { lines: [{ barcode: v, quantity: 1 }], payment: cash('1000.00') } }),
  },
  {
    who: 'terminal',
    label: 'posSaleCreate(card readerId)',
    document: 'mutation($input: PosSaleCreateInput!) { posSaleCreate(input: $input) { userErrors { code } } }',
    variables: (v, scene) => ({
      input: {
        lines: [{ variantId: scene.variantId, quantity: 1 }],
        payment: { method: 'CARD_PRESENT', readerId: v },
        idempotencyKey: unique(),
      },
    }),
  },
]

/** Every client-chosen number, at the edges of a 32-bit integer. */
export const INT_CASES: readonly InputCase[] = [
  {
    who: 'anonymous',
    label: 'products(first:)',
    document: 'query($v: Int) { products(first: $v) { edges { cursor } } }',
    variables: (v) => ({ v }),
  },
  {
    who: 'anonymous',
    label: 'pickupSlots(days:)',
    document: 'query($s: ID!, $v: Int) { pickupSlots(storeId: $s, days: $v) { start } }',
    variables: (v, scene) => ({ s: scene.storeId, v }),
  },
  {
    who: 'anonymous',
    label: 'cartCreate(lines.quantity)',
    document: 'mutation($input: CartCreateInput!) { cartCreate(input: $input) { userErrors { code } } }',
    variables: (v, scene) => ({ input: { channel: 'WEB', lines: [{ variantId: scene.variantId, quantity: v }] } }),
  },
  {
    who: 'anonymous',
    label: 'stores(availableFor.quantity)',
    document:
      'query($lines: [CartLineInput!]) { stores(first: 2, availableFor: $lines) { edges { node { canFulfill } } } }',
    variables: (v, scene) => ({ lines: [{ variantId: scene.variantId, quantity: v }] }),
  },
  {
    who: 'manager',
    label: 'inventoryAdjust(delta)',
    document: 'mutation($input: InventoryAdjustInput!) { inventoryAdjust(input: $input) { userErrors { code } } }',
    variables: (v, scene) => ({
      input: { storeId: scene.storeId, variantId: scene.variantId, delta: v, reason: 'COUNT_CORRECTION' },
    }),
  },
  {
    who: 'manager',
    label: 'inventoryReceive(quantity)',
    document: 'mutation($input: InventoryReceiveInput!) { inventoryReceive(input: $input) { userErrors { code } } }',
    variables: (v, scene) => ({
      input: { storeId: scene.storeId, lines: [{ variantId: scene.variantId, quantity: v }] },
    }),
  },
  {
    who: 'manager',
    label: 'orderMarkReady(missing.quantity)',
    document: 'mutation($input: OrderMarkReadyInput!) { orderMarkReady(input: $input) { userErrors { code } } }',
    variables: (v, scene) => ({
      input: { orderId: scene.preparingOrderId, missing: [{ sku: scene.sku, quantity: v }] },
    }),
  },
  {
    who: 'terminal',
    label: 'posSaleCreate(quantity)',
    document: 'mutation($input: PosSaleCreateInput!) { posSaleCreate(input: $input) { userErrors { code } } }',
    variables: (v, scene) => ({
      input: { lines: [{ variantId: scene.variantId, quantity: v }], payment: cash('1000.00') },
    }),
  },
]

/** Cash tenders a till could be sent. */
export const AMOUNT_CASES: readonly InputCase[] = [
  {
    who: 'terminal',
    label: 'posSaleCreate(cash amountTendered)',
    document: 'mutation($input: PosSaleCreateInput!) { posSaleCreate(input: $input) { userErrors { code } } }',
    variables: (v, scene) => ({ input: { lines: [{ variantId: scene.variantId, quantity: 1 }], payment: cash(v) } }),
  },
]

/** Well-formed ids that name nothing, or something of another type. */
export function forgedIds(storeRawId: string): string[] {
  const b64 = (text: string) => Buffer.from(text).toString('base64')
  return [
    b64('Order:not-a-uuid'),
    b64("Order:' OR 1=1 --"),
    b64(`Order:${storeRawId}`),
    b64(`Product:${storeRawId}`),
    b64('Order:00000000-0000-0000-0000-000000000000'),
    'not base64 at all!',
    b64(':'),
    b64(`Order:${'9'.repeat(5000)}`),
  ]
}

export const ID_CASES: readonly InputCase[] = [
  {
    who: 'anonymous',
    label: 'order(id:)',
    document: 'query($v: ID!) { order(id: $v) { id } }',
    variables: (v) => ({ v }),
  },
  {
    who: 'anonymous',
    label: 'cart(id:)',
    document: 'query($v: ID!) { cart(id: $v) { id } }',
    variables: (v) => ({ v }),
  },
  {
    who: 'anonymous',
    label: 'nodes(ids:)',
    document: 'query($v: [ID!]!) { nodes(ids: $v) { id } }',
    variables: (v) => ({ v: [v, v] }),
  },
  {
    who: 'manager',
    label: 'orderCollect(orderId)',
    document: 'mutation($input: OrderCollectInput!) { orderCollect(input: $input) { userErrors { code } } }',
    variables: (v) => ({ input: { orderId: v, pickupCode: '000000' } }),
  },
  {
    who: 'manager',
    label: 'posReturnCreate(orderId)',
    document: 'mutation($input: PosReturnCreateInput!) { posReturnCreate(input: $input) { userErrors { code } } }',
    variables: (v, scene) => ({ input: { orderId: v, lines: [{ sku: scene.sku, quantity: 1 }], refundTo: 'CASH' } }),
  },
  {
    who: 'customer',
    label: 'cartLinesAdd(cartId, variantId)',
    document: 'mutation($input: CartLinesAddInput!) { cartLinesAdd(input: $input) { userErrors { code } } }',
    variables: (v) => ({ input: { cartId: v, lines: [{ variantId: v, quantity: 1 }] } }),
  },
  {
    who: 'terminal',
    label: 'posSaleCreate(customerId, variantId)',
    document: 'mutation($input: PosSaleCreateInput!) { posSaleCreate(input: $input) { userErrors { code } } }',
    variables: (v) => ({ input: { customerId: v, lines: [{ variantId: v, quantity: 1 }], payment: cash('1000.00') } }),
  },
]
