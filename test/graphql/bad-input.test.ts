import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_MONEY_MINOR } from '../../src/modules/shared/money.js'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

/** Inputs once answered INTERNAL: each now gets a typed error and changes nothing. */
const NOW = new Date('2026-11-24T08:00:00Z')
let testDb: TestDb
let api: TestApp
let rivoli: { id: string; gid: string }
let manager: string
let till: string
let shirt: { id: string; gid: string; sku: string; price: number }

const codesOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  (result.errors ?? []).map((error) => error.extensions?.code)

async function countRows(table: 'sales_order' | 'order_return' | 'payment') {
  const row = await testDb.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  const rivoliId = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  rivoli = { id: rivoliId, gid: globalId('Store', rivoliId) }
  const row = await testDb.db
    .selectFrom('variant')
    .select(['id', 'sku', 'price_minor'])
    .where('active', '=', true)
    .orderBy('sku')
    .executeTakeFirstOrThrow()
  shirt = { id: row.id, gid: globalId('Variant', row.id), sku: row.sku, price: row.price_minor }
  await setLevel(testDb.db, rivoliId, row.id, { on_hand: 20 })
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  const registered = await api.gql<{ posTerminalRegister: { terminalKey: string } }>(
    'mutation($input: PosTerminalRegisterInput!) { posTerminalRegister(input: $input) { terminalKey } }',
    { input: { storeId: rivoli.gid, label: 'Till 1' } },
    { token: manager },
  )
  till = registered.data!.posTerminalRegister.terminalKey
})
afterAll(() => testDb.destroy())

const SALE = `mutation($input: PosSaleCreateInput!) {
  posSaleCreate(input: $input) { order { id } userErrors { code field } }
}`

describe('text the database cannot store', () => {
  it('answers BAD_USER_INPUT for a NUL in any string argument, variable or literal, before anything runs', async () => {
    const inVariable = await api.gql('query($q: String) { products(query: $q) { edges { cursor } } }', {
      q: 'mu\u0000g',
    })
    const inLiteral = await api.gql('{ products(query: "mu\\u0000g") { edges { cursor } } }')
    const inInput = await api.gql(
      'mutation($input: StaffSignInInput!) { staffSignIn(input: $input) { accessToken } }',
      { input: { email: 'manager.par-rivoli@comptoir.dev\u0000', password: 'x' } },
    )
    for (const result of [inVariable, inLiteral, inInput]) {
      expect(codesOf(result)).toEqual(['BAD_USER_INPUT'])
      expect(result.data ?? null).toBeNull()
    }
  })

  it('still takes other control characters where they are valid text', async () => {
    const result = await api.gql('query($q: String) { products(query: $q) { edges { cursor } } }', { q: 'mug\tcup' })
    expect(result.errors).toBeUndefined()
  })
})

describe('money and quantities', () => {
  it('refuses a cash tender above the money ceiling, instead of overflowing a column', async () => {
    const before = await countRows('sales_order')
    const result = await api.gql<{ posSaleCreate: unknown }>(
      SALE,
      {
        input: {
          lines: [{ variantId: shirt.gid, quantity: 1 }],
          payment: { method: 'CASH', amountTendered: '999999999.99' },
        },
      },
      { token: till },
    )
    expect(codesOf(result)).toEqual(['BAD_USER_INPUT'])
    expect(await countRows('sales_order')).toBe(before)
  })
})

describe('pickup passes', () => {
  const ORDER = globalId('Order', '00000000-0000-4000-8000-000000000001')

  it('refuses an empty pickupPass with BAD_USER_INPUT, on arrival and at hand-over', async () => {
    const arrive = await api.gql(
      'mutation($input: OrderArriveInput!) { orderArrive(input: $input) { userErrors { code } } }',
      { input: { pickupPass: '' } },
      { token: till },
    )
    const collect = await api.gql(
      'mutation($input: OrderCollectInput!) { orderCollect(input: $input) { userErrors { code } } }',
      { input: { orderId: ORDER, pickupPass: '' } },
      { token: till },
    )
    expect(codesOf(arrive)).toEqual(['BAD_USER_INPUT'])
    expect(codesOf(collect)).toEqual(['BAD_USER_INPUT'])
  })
})

describe('terminal updates', () => {
  it('refuses an update that changes nothing with BAD_USER_INPUT, instead of an empty SQL SET', async () => {
    const registered = await api.gql<{ posTerminalRegister: { terminal: { id: string } } }>(
      'mutation($input: PosTerminalRegisterInput!) { posTerminalRegister(input: $input) { terminal { id } } }',
      { input: { storeId: rivoli.gid, label: 'Till 2' } },
      { token: manager },
    )
    const terminalId = registered.data!.posTerminalRegister.terminal.id
    const UPDATE =
      'mutation($input: PosTerminalUpdateInput!) { posTerminalUpdate(input: $input) { terminal { label } } }'
    for (const input of [{ terminalId }, { terminalId, label: null }]) {
      expect(codesOf(await api.gql(UPDATE, { input }, { token: manager }))).toEqual(['BAD_USER_INPUT'])
    }
    const unpaired = await api.gql(UPDATE, { input: { terminalId, readerId: null } }, { token: manager })
    expect(unpaired).toEqual({ data: { posTerminalUpdate: { terminal: { label: 'Till 2' } } } })
  })
})

describe('duplicate lines', () => {
  it('refuses a return naming the same SKU twice with DUPLICATE_LINE, and takes nothing back', async () => {
    const sale = await api.gql<{ posSaleCreate: { order: { id: string } } }>(
      SALE,
      {
        input: {
          lines: [{ variantId: shirt.gid, quantity: 1 }],
          payment: { method: 'CASH', amountTendered: String(Math.ceil(shirt.price / 100) + 1) },
        },
      },
      { token: till },
    )
    const orderId = sale.data!.posSaleCreate.order.id
    const before = await countRows('order_return')
    const result = await api.gql<{ posReturnCreate: { userErrors: { code: string; field: string[] }[] } }>(
      'mutation($input: PosReturnCreateInput!) { posReturnCreate(input: $input) { userErrors { code field } } }',
      {
        input: {
          orderId,
          refundTo: 'CASH',
          lines: [
            { sku: shirt.sku, quantity: 1 },
            { sku: shirt.sku, quantity: 1 },
          ],
        },
      },
      { token: till },
    )
    expect(result.errors).toBeUndefined()
    expect(result.data!.posReturnCreate.userErrors).toEqual([{ code: 'DUPLICATE_LINE', field: ['lines', '1', 'sku'] }])
    expect(await countRows('order_return')).toBe(before)
  })
})

describe('card readers', () => {
  const REGISTER = `mutation($input: PosTerminalRegisterInput!) {
    posTerminalRegister(input: $input) { terminal { id } terminalKey userErrors { code field } }
  }`
  const UPDATE = `mutation($input: PosTerminalUpdateInput!) {
    posTerminalUpdate(input: $input) { terminal { readerId } userErrors { code field } }
  }`

  it("takes a card only on a reader of the sale's store, and pairs no till with another store's reader", async () => {
    const admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
    const lyon = globalId('Store', await storeIdByCode(testDb.db, 'LYO-BELLECOUR'))
    const lyonTill = await api.gql(
      REGISTER,
      { input: { storeId: lyon, label: 'Lyon', readerId: 'tmr_lyon1' } },
      { token: admin },
    )
    expect(lyonTill.errors).toBeUndefined()
    const paired = await api.gql<{ posTerminalRegister: { terminal: { id: string } } }>(
      REGISTER,
      { input: { storeId: rivoli.gid, label: 'Paired', readerId: 'tmr_rivoli1' } },
      { token: manager },
    )
    const pairedId = paired.data!.posTerminalRegister.terminal.id

    const sales = await countRows('sales_order')
    const card = (readerId: string) => ({
      lines: [{ variantId: shirt.gid, quantity: 1 }],
      payment: { method: 'CARD_PRESENT', readerId },
    })
    const foreign = await api.gql(SALE, { input: card('tmr_lyon1') }, { token: till })
    const unknown = await api.gql(SALE, { input: card('tmr_nowhere') }, { token: till })
    expect(codesOf(foreign)).toEqual(['BAD_USER_INPUT'])
    expect(codesOf(unknown)).toEqual(['BAD_USER_INPUT'])
    expect(await countRows('sales_order')).toBe(sales)
    const own = await api.gql<{ posSaleCreate: { userErrors: unknown[] } }>(
      SALE,
      { input: card('tmr_rivoli1') },
      { token: till },
    )
    expect(own.data!.posSaleCreate.userErrors).toEqual([])

    const refused = [{ code: 'READER_OF_ANOTHER_STORE', field: ['readerId'] }]
    const registered = await api.gql<{ posTerminalRegister: { terminal: null; userErrors: unknown[] } }>(
      REGISTER,
      { input: { storeId: rivoli.gid, label: 'Thief', readerId: 'tmr_lyon1' } },
      { token: manager },
    )
    expect(registered.data!.posTerminalRegister).toMatchObject({ terminal: null, userErrors: refused })
    const updated = await api.gql<{ posTerminalUpdate: { terminal: null; userErrors: unknown[] } }>(
      UPDATE,
      { input: { terminalId: pairedId, readerId: 'tmr_lyon1' } },
      { token: manager },
    )
    expect(updated.data!.posTerminalUpdate).toEqual({ terminal: null, userErrors: refused })
  })
})

describe('stock bounds', () => {
  const RECEIVE = `mutation($input: InventoryReceiveInput!) {
    inventoryReceive(input: $input) { userErrors { code field } }
  }`
  const ADJUST = `mutation($input: InventoryAdjustInput!) {
    inventoryAdjust(input: $input) { userErrors { code field } }
  }`

  it('refuses receipts and adjustments past the on-hand ceiling with QUANTITY_LIMIT, not an integer overflow', async () => {
    await setLevel(testDb.db, rivoli.id, shirt.id, { on_hand: 2_147_483_000 })
    const receive = await api.gql<{ inventoryReceive: { userErrors: unknown[] } }>(
      RECEIVE,
      { input: { storeId: rivoli.gid, lines: [{ variantId: shirt.gid, quantity: 999 }] } },
      { token: manager },
    )
    const adjust = await api.gql<{ inventoryAdjust: { userErrors: unknown[] } }>(
      ADJUST,
      { input: { storeId: rivoli.gid, variantId: shirt.gid, delta: 100_000, reason: 'FOUND' } },
      { token: manager },
    )
    expect(receive.data?.inventoryReceive.userErrors).toEqual([
      { code: 'QUANTITY_LIMIT', field: ['lines', '0', 'quantity'] },
    ])
    expect(adjust.data?.inventoryAdjust.userErrors).toEqual([{ code: 'QUANTITY_LIMIT', field: ['delta'] }])
    const level = await testDb.db
      .selectFrom('inventory_level')
      .select('on_hand')
      .where('store_id', '=', rivoli.id)
      .where('variant_id', '=', shirt.id)
      .executeTakeFirstOrThrow()
    expect(level.on_hand).toBe(2_147_483_000)
    await setLevel(testDb.db, rivoli.id, shirt.id, { on_hand: 20 })
  })
})

describe('duplicate cart lines', () => {
  it('refuses a cart update that sets one variant twice with DUPLICATE_LINE, leaving the cart as it was', async () => {
    const created = await api.gql<{ cartCreate: { cart: { id: string }; cartToken: string } }>(
      'mutation($input: CartCreateInput!) { cartCreate(input: $input) { cart { id } cartToken } }',
      { input: { channel: 'WEB', lines: [{ variantId: shirt.gid, quantity: 1 }] } },
    )
    const { cart, cartToken } = created.data!.cartCreate
    const result = await api.gql<{ cartLinesUpdate: { cart: unknown; userErrors: unknown[] } }>(
      'mutation($input: CartLinesUpdateInput!) { cartLinesUpdate(input: $input) { cart { id } userErrors { code field } } }',
      {
        input: {
          cartId: cart.id,
          lines: [
            { variantId: shirt.gid, quantity: 3 },
            { variantId: shirt.gid, quantity: 0 },
          ],
        },
      },
      { headers: { 'x-cart-token': cartToken } },
    )
    expect(result.data!.cartLinesUpdate).toEqual({
      cart: null,
      userErrors: [{ code: 'DUPLICATE_LINE', field: ['lines', '1', 'variantId'] }],
    })
    const lines = await testDb.db
      .selectFrom('cart_line')
      .select('quantity')
      .where('cart_id', '=', Buffer.from(cart.id, 'base64').toString().split(':')[1]!)
      .execute()
    expect(lines).toEqual([{ quantity: 1 }])
  })
})

describe('sale totals', () => {
  it('refuses a POS sale whose total passes the money ceiling with QUANTITY_LIMIT (with dearer items it would overflow total_minor)', async () => {
    const variants = await testDb.db
      .selectFrom('variant')
      .select(['id', 'price_minor'])
      .where('active', '=', true)
      .orderBy('price_minor', 'desc')
      .limit(200)
      .execute()
    for (const variant of variants) await setLevel(testDb.db, rivoli.id, variant.id, { on_hand: 999 })
    const totalMinor = variants.reduce((sum, variant) => sum + variant.price_minor * 999, 0)
    expect(totalMinor).toBeGreaterThan(MAX_MONEY_MINOR)
    const before = await countRows('sales_order')
    const result = await api.gql<{ posSaleCreate: { order: null; userErrors: { code: string }[] } }>(
      SALE,
      {
        input: {
          lines: variants.map((variant) => ({ variantId: globalId('Variant', variant.id), quantity: 999 })),
          payment: { method: 'CARD_PRESENT' },
        },
      },
      { token: till },
    )
    expect(result.errors).toBeUndefined()
    expect(result.data!.posSaleCreate.userErrors.map((error) => error.code)).toEqual(['QUANTITY_LIMIT'])
    expect(await countRows('sales_order')).toBe(before)
  })
})
