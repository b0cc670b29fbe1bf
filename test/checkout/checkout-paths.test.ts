import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../src/db/transaction.js'
import { takeCart } from '../../src/modules/checkout/checkout-cart.repository.js'
import { readCheckout } from '../../src/modules/checkout/checkout-read.repository.js'
import { ADD_LINES, cartHeaders, createCart, REMOVE_LINES, type UserErrorShape } from '../fixtures/carts.js'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { checkout } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

/**
 * The two checkout paths, held to one set of rules: the batched write (a cart that holds no
 * stock) and the held-cart transaction (CART_RESERVATIONS, a cart whose lines are held in the
 * store). The same scenario runs through each, in a store of its own set up the same way, and
 * must end the same: the same outcomes and errors at every step, the same stock levels and
 * ledger, the same slot bookings, and the same order numbers, shared with a till sale between.
 */

const NOW = new Date('2026-11-24T08:00:00Z')
const ALL_DAY = [{ opens: '00:00', closes: '23:59' }]
let testDb: TestDb
let batchedApi: TestApp
let heldApi: TestApp
let variants: { a: string; b: string }

beforeAll(async () => {
  testDb = await createTestDb()
  batchedApi = createTestApp(testDb, { now: () => NOW })
  heldApi = createTestApp(testDb, { now: () => NOW, env: { CART_RESERVATIONS: 'true' } })
  const rows = await testDb.db
    .selectFrom('variant')
    .select('id')
    .where('active', '=', true)
    .orderBy('sku')
    .limit(2)
    .execute()
  variants = { a: rows[0]!.id, b: rows[1]!.id }
})
afterAll(() => testDb.destroy())

interface Store {
  id: string
  gid: string
  till: string
  slots: [string, string]
  /** The ledger's last row before the scenario: the seed's receipts are not part of it. */
  ledgerBefore: string
}

/** The store as every run starts it: open all day, two places a slot, numbers at 9998, stock set. */
async function prepareStore(api: TestApp, code: string): Promise<Store> {
  const id = await storeIdByCode(testDb.db, code)
  const gid = globalId('Store', id)
  await testDb.db
    .updateTable('store')
    .set({
      time_zone: 'Europe/Paris',
      opening_hours: JSON.stringify({
        mon: ALL_DAY,
        tue: ALL_DAY,
        wed: ALL_DAY,
        thu: ALL_DAY,
        fri: ALL_DAY,
        sat: ALL_DAY,
        sun: ALL_DAY,
      }),
      slot_minutes: 30,
      preparation_minutes: 30,
      slot_capacity: 2,
    })
    .where('id', '=', id)
    .execute()
  await sql`
    INSERT INTO store_order_counter (store_id, last_number) VALUES (${id}::uuid, 9998)
    ON CONFLICT (store_id) DO UPDATE SET last_number = 9998`.execute(testDb.db)
  await setLevel(testDb.db, id, variants.a, { on_hand: 3 })
  await setLevel(testDb.db, id, variants.b, { on_hand: 4, safety_stock: 1 })

  const manager = await api.signInStaff(`manager.${code.toLowerCase()}@comptoir.dev`)
  const registered = await api.gql<{ posTerminalRegister: { terminalKey: string } }>(
    'mutation($input: PosTerminalRegisterInput!) { posTerminalRegister(input: $input) { terminalKey } }',
    { input: { storeId: gid, label: 'Paths till' } },
    { token: manager },
  )
  const slots = await api.gql<{ pickupSlots: { start: string }[] }>(
    'query($storeId: ID!) { pickupSlots(storeId: $storeId, days: 1) { start } }',
    { storeId: gid },
  )
  const [first, second] = slots.data!.pickupSlots.map((slot) => slot.start)
  const last = await testDb.db
    .selectFrom('stock_movement')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirstOrThrow()
  return {
    id,
    gid,
    till: registered.data!.posTerminalRegister.terminalKey,
    slots: [first!, second!],
    ledgerBefore: String(last.id ?? 0),
  }
}

interface Step {
  /** Whether the cart held stock when it checked out: which path the checkout took. */
  held: boolean
  number: string | null
  userErrors: UserErrorShape[]
}

interface Cart {
  id: string
  rawId: string
  token: string
}

async function newCart(api: TestApp, store: Store, lines: [variantId: string, quantity: number][]): Promise<Cart> {
  const { cart, cartToken } = await createCart(api, {
    channel: 'WEB',
    storeId: store.gid,
    lines: lines.map(([variantId, quantity]) => ({ variantId: globalId('Variant', variantId), quantity })),
  })
  return { id: cart.id, rawId: Buffer.from(cart.id, 'base64').toString().split(':')[1]!, token: cartToken }
}

async function checkoutStep(api: TestApp, store: Store, cart: Cart, slot: string, attempt: number): Promise<Step> {
  const holds = await testDb.db.selectFrom('cart_hold').select('variant_id').where('cart_id', '=', cart.rawId).execute()
  const result = await checkout(
    api,
    { cartId: cart.id, storeId: store.gid, pickupSlotStart: slot, idempotencyKey: `paths-${cart.rawId}-${attempt}` },
    cartHeaders(cart.token),
  )
  return { held: holds.length > 0, number: result.order?.number ?? null, userErrors: result.userErrors }
}

async function tillSale(api: TestApp, store: Store, variantId: string): Promise<Step> {
  const result = await api.gql<{ posSaleCreate: { order: { number: string } | null; userErrors: UserErrorShape[] } }>(
    `mutation($input: PosSaleCreateInput!) {
      posSaleCreate(input: $input) { order { number } userErrors { code field message } }
    }`,
    {
      input: {
        lines: [{ variantId: globalId('Variant', variantId), quantity: 1 }],
        payment: { method: 'CASH', amountTendered: '100000.00' },
        idempotencyKey: `paths-till-${store.id}`,
      },
    },
    { token: store.till },
  )
  const sale = result.data!.posSaleCreate
  return { held: false, number: sale.order?.number ?? null, userErrors: sale.userErrors }
}

/** One scenario, step by step: what each step answered, then what the store holds. */
async function runScenario(api: TestApp, code: string) {
  const { a, b } = variants
  const store = await prepareStore(api, code)
  const [early, later] = store.slots
  const steps: Record<string, Step> = {}

  const first = await newCart(api, store, [
    [a, 2],
    [b, 1],
  ])
  steps.firstOrder = await checkoutStep(api, store, first, early, 1)
  steps.tillSale = await tillSale(api, store, b)
  // A has 1 left; B has 3 on hand, 1 reserved and 1 kept back: 1 available, 2 wanted.
  const second = await newCart(api, store, [
    [a, 1],
    [b, 2],
  ])
  steps.shortOfB = await checkoutStep(api, store, second, early, 1)
  const removed = await api.gql(
    REMOVE_LINES,
    { input: { cartId: second.id, variantIds: [globalId('Variant', b)] } },
    { headers: cartHeaders(second.token) },
  )
  expect(removed.errors).toBeUndefined()
  steps.lastPlaceInSlot = await checkoutStep(api, store, second, early, 2)
  const third = await newCart(api, store, [[b, 1]])
  steps.slotFull = await checkoutStep(api, store, third, early, 1)
  steps.nextSlot = await checkoutStep(api, store, third, later, 2)

  return { steps, state: await storeState(store) }
}

async function storeState(store: Store) {
  const letter = (variantId: string) => (variantId === variants.a ? 'A' : 'B')
  const levels = await testDb.db
    .selectFrom('inventory_level')
    .select(['variant_id', 'on_hand', 'reserved', 'safety_stock'])
    .where('store_id', '=', store.id)
    .where('variant_id', 'in', [variants.a, variants.b])
    .orderBy('variant_id')
    .execute()
  const ledger = await testDb.db
    .selectFrom('stock_movement')
    .leftJoin('sales_order', 'sales_order.id', 'stock_movement.order_id')
    .select([
      'stock_movement.variant_id',
      'stock_movement.on_hand_delta',
      'stock_movement.reserved_delta',
      'stock_movement.reason',
      'sales_order.number',
    ])
    .where('stock_movement.store_id', '=', store.id)
    .where('stock_movement.id', '>', store.ledgerBefore)
    .orderBy('stock_movement.id')
    .execute()
  const bookings = await testDb.db
    .selectFrom('pickup_slot_booking')
    .select(['slot_start', 'booked'])
    .where('store_id', '=', store.id)
    .orderBy('slot_start')
    .execute()
  const counter = await testDb.db
    .selectFrom('store_order_counter')
    .select('last_number')
    .where('store_id', '=', store.id)
    .executeTakeFirstOrThrow()
  const holdRows = ledger.filter((row) => row.reason.startsWith('CART_HOLD'))
  return {
    levels: levels
      .map(({ variant_id, ...level }) => ({ variant: letter(variant_id), ...level }))
      .sort((x, y) => x.variant.localeCompare(y.variant)),
    // The held path also records its holds and their release; what the orders took is the rest.
    ledger: ledger
      .filter((row) => !row.reason.startsWith('CART_HOLD'))
      .map(({ variant_id, ...row }) => ({ variant: letter(variant_id), ...row })),
    heldNet: holdRows.reduce((sum, row) => sum + row.reserved_delta, 0),
    bookings: bookings.map((booking) => booking.booked),
    lastNumber: counter.last_number,
  }
}

describe('the batched and the held-cart checkout', () => {
  it('apply the same stock, slot and numbering rules, step by step', async () => {
    const batched = await runScenario(batchedApi, 'PAR-RIVOLI')
    const held = await runScenario(heldApi, 'PAR-OBERKAMPF')

    // Each run took the path it was meant to test: every held checkout's cart held stock.
    const checkouts = ['firstOrder', 'shortOfB', 'lastPlaceInSlot', 'slotFull', 'nextSlot']
    expect(checkouts.map((step) => batched.steps[step]!.held)).toEqual(checkouts.map(() => false))
    expect(checkouts.map((step) => held.steps[step]!.held)).toEqual(checkouts.map(() => true))
    const outcomes = (run: typeof batched) =>
      Object.fromEntries(
        Object.entries(run.steps).map(([step, { number, userErrors }]) => [step, { number, userErrors }]),
      )
    expect(outcomes(held)).toEqual(outcomes(batched))
    expect(held.state).toEqual(batched.state)
    expect(held.state.heldNet).toBe(0)

    // What both must be: consecutive numbers shared with the till, at least four digits and
    // never cut short; every line or none, never below on hand - reserved - safety stock; a
    // slot of two refusing the third order with SLOT_FULL.
    expect(outcomes(batched)).toEqual({
      firstOrder: { number: '9999', userErrors: [] },
      tillSale: { number: '10000', userErrors: [] },
      shortOfB: {
        number: null,
        userErrors: [
          {
            code: 'INSUFFICIENT_STOCK',
            field: ['lines', '1'],
            message: expect.stringMatching(/^Only 1 of .+; 2 requested\.$/),
          },
        ],
      },
      lastPlaceInSlot: { number: '10001', userErrors: [] },
      slotFull: {
        number: null,
        userErrors: [{ code: 'SLOT_FULL', field: ['pickupSlotStart'], message: expect.any(String) }],
      },
      nextSlot: { number: '10002', userErrors: [] },
    })
    expect(batched.state).toMatchObject({
      levels: [
        { variant: 'A', on_hand: 3, reserved: 3, safety_stock: 0 },
        { variant: 'B', on_hand: 3, reserved: 2, safety_stock: 1 },
      ],
      bookings: [2, 1],
      lastNumber: 10002,
    })
    expect(
      batched.state.ledger.map((row) => [row.number, row.variant, row.reason, row.on_hand_delta, row.reserved_delta]),
    ).toEqual([
      ['9999', 'A', 'RESERVATION', 0, 2],
      ['9999', 'B', 'RESERVATION', 0, 1],
      ['10000', 'B', 'POS_SALE', -1, 0],
      ['10001', 'A', 'RESERVATION', 0, 1],
      ['10002', 'B', 'RESERVATION', 0, 1],
    ])
  })

  it('check the cart with the same rule: still active, still the version read', async () => {
    const store = await storeIdByCode(testDb.db, 'PAR-RENNES')
    const { cart, cartToken } = await createCart(batchedApi, {
      channel: 'WEB',
      lines: [{ variantId: globalId('Variant', variants.a), quantity: 1 }],
    })
    const cartId = Buffer.from(cart.id, 'base64').toString().split(':')[1]!
    const stale = (await readCheckout(testDb.db, cartId, store, new Date()))!.version
    const added = await batchedApi.gql(
      ADD_LINES,
      { input: { cartId: cart.id, lines: [{ variantId: globalId('Variant', variants.b), quantity: 1 }] } },
      { headers: cartHeaders(cartToken) },
    )
    expect(added.errors).toBeUndefined()
    const current = (await readCheckout(testDb.db, cartId, store, new Date()))!.version
    expect(current).not.toBe(stale)
    // The held path's check (takeCart) is the function comptoir_place_orders calls for every write.
    expect(await inTransaction(testDb.db, (trx) => takeCart(trx, cartId, stale))).toBe(false)
    expect(await inTransaction(testDb.db, (trx) => takeCart(trx, cartId, current))).toBe(true)
    await testDb.db.updateTable('cart').set({ status: 'MERGED' }).where('id', '=', cartId).execute()
    const merged = (await readCheckout(testDb.db, cartId, store, new Date()))!.version
    expect(await inTransaction(testDb.db, (trx) => takeCart(trx, cartId, merged))).toBe(false)
  })
})
