import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
let testDb: TestDb
let api: TestApp
let rivoli: { id: string; gid: string }
let bellecour: { id: string; gid: string }
let manager: string
let admin: string
let till: string
let shirt: { id: string; gid: string; barcode: string; price: number }
let mug: { id: string; gid: string; barcode: string; price: number }

const SALE = `mutation($input: PosSaleCreateInput!) {
  posSaleCreate(input: $input) {
    order { id number channel status paymentMode collectedAt total { amountMinor }
            lines { sku quantity unitPrice { amountMinor } } history { status }
            payments { provider status amount { amountMinor } captured { amountMinor } tendered { amountMinor } change { amountMinor } } }
    change { amountMinor currencyCode }
    userErrors { code field message }
  }
}`

interface SaleResult {
  order: {
    id: string
    number: string
    channel: string
    status: string
    paymentMode: string
    collectedAt: string | null
    total: { amountMinor: number }
    lines: { sku: string; quantity: number; unitPrice: { amountMinor: number } }[]
    history: { status: string }[]
    payments: {
      provider: string
      status: string
      amount: { amountMinor: number }
      captured: { amountMinor: number }
      tendered: { amountMinor: number } | null
      change: { amountMinor: number } | null
    }[]
  } | null
  change: { amountMinor: number; currencyCode: string } | null
  userErrors: { code: string; field: string[] | null; message: string }[]
}

async function sell(input: Record<string, unknown>, token = till) {
  return api.gql<{ posSaleCreate: SaleResult }>(SALE, { input }, { token })
}

const cash = (amount: string) => ({ method: 'CASH', amountTendered: amount })
const rawId = (gid: string) => Buffer.from(gid, 'base64').toString().split(':')[1]!

async function level(storeId: string, variantId: string) {
  return testDb.db
    .selectFrom('inventory_level')
    .select(['on_hand', 'reserved'])
    .where('store_id', '=', storeId)
    .where('variant_id', '=', variantId)
    .executeTakeFirstOrThrow()
}

async function countSales() {
  const row = await testDb.db
    .selectFrom('sales_order')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('channel', '=', 'POS')
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

async function variantWithBarcode(offset: number) {
  const row = await testDb.db
    .selectFrom('variant')
    .select(['id', 'barcode', 'price_minor'])
    .where('active', '=', true)
    .where('barcode', 'is not', null)
    .orderBy('sku')
    .offset(offset)
    .executeTakeFirstOrThrow()
  return { id: row.id, gid: globalId('Variant', row.id), barcode: row.barcode!, price: row.price_minor }
}

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  const rivoliId = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  const bellecourId = await storeIdByCode(testDb.db, 'LYO-BELLECOUR')
  rivoli = { id: rivoliId, gid: globalId('Store', rivoliId) }
  bellecour = { id: bellecourId, gid: globalId('Store', bellecourId) }
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  const registered = await api.gql<{ posTerminalRegister: { terminalKey: string } }>(
    'mutation($input: PosTerminalRegisterInput!) { posTerminalRegister(input: $input) { terminalKey } }',
    { input: { storeId: rivoli.gid, label: 'Till 1' } },
    { token: manager },
  )
  till = registered.data!.posTerminalRegister.terminalKey
  shirt = await variantWithBarcode(0)
  mug = await variantWithBarcode(1)
})
afterAll(() => testDb.destroy())

beforeEach(async () => {
  await setLevel(testDb.db, rivoli.id, shirt.id, { on_hand: 10 })
  await setLevel(testDb.db, rivoli.id, mug.id, { on_hand: 10 })
})

describe('posSaleCreate', () => {
  it('sells scanned and picked items for cash: a collected POS order, change given, on hand down, ledger POS_SALE', async () => {
    const due = 2 * shirt.price + mug.price
    const tendered = Math.ceil((due + 1) / 1000) * 1000
    const result = await sell({
      lines: [
        { barcode: shirt.barcode, quantity: 1 },
        { variantId: mug.gid, quantity: 1 },
        { barcode: shirt.barcode, quantity: 1 },
      ],
      payment: cash((tendered / 100).toFixed(2)),
      idempotencyKey: 'sale-cash-0001',
    })
    expect(result.errors).toBeUndefined()
    const { order, change, userErrors } = result.data!.posSaleCreate
    expect(userErrors).toEqual([])
    expect(order).toMatchObject({
      channel: 'POS',
      status: 'COLLECTED',
      paymentMode: 'IN_STORE',
      collectedAt: NOW.toISOString(),
      total: { amountMinor: due },
      history: [{ status: 'COLLECTED' }],
      payments: [
        {
          provider: 'CASH',
          status: 'CAPTURED',
          amount: { amountMinor: due },
          captured: { amountMinor: due },
          tendered: { amountMinor: tendered },
          change: { amountMinor: tendered - due },
        },
      ],
    })
    expect(order!.number).toMatch(/^\d{4}$/)
    expect(order!.lines.map((line) => line.quantity).sort()).toEqual([1, 2])
    expect(change).toEqual({ amountMinor: tendered - due, currencyCode: 'EUR' })
    expect(await level(rivoli.id, shirt.id)).toEqual({ on_hand: 8, reserved: 0 })
    expect(await level(rivoli.id, mug.id)).toEqual({ on_hand: 9, reserved: 0 })
    const movements = await testDb.db
      .selectFrom('stock_movement')
      .select(['variant_id', 'on_hand_delta', 'reserved_delta', 'reason', 'actor_type'])
      .where('order_id', '=', rawId(order!.id))
      .orderBy('variant_id')
      .execute()
    expect(movements).toEqual(
      [
        { variant_id: shirt.id, on_hand_delta: -2, reserved_delta: 0, reason: 'POS_SALE', actor_type: 'TERMINAL' },
        { variant_id: mug.id, on_hand_delta: -1, reserved_delta: 0, reason: 'POS_SALE', actor_type: 'TERMINAL' },
      ].sort((a, b) => a.variant_id.localeCompare(b.variant_id)),
    )
    const events = await testDb.db
      .selectFrom('outbox_event')
      .select('type')
      .where('aggregate_id', '=', rawId(order!.id))
      .orderBy('id')
      .execute()
    // Sold, then paid in the same transaction (the cash covers it).
    expect(events.map((event) => event.type)).toEqual(['order.pos_sale', 'order.paid'])

    // The till retries after a dropped connection: the same sale and change, nothing sold twice.
    const retry = await sell({
      lines: [
        { barcode: shirt.barcode, quantity: 1 },
        { variantId: mug.gid, quantity: 1 },
        { barcode: shirt.barcode, quantity: 1 },
      ],
      payment: cash((tendered / 100).toFixed(2)),
      idempotencyKey: 'sale-cash-0001',
    })
    expect(retry.data!.posSaleCreate.order!.id).toBe(order!.id)
    expect(retry.data!.posSaleCreate.change).toEqual(change)
    expect(await level(rivoli.id, shirt.id)).toEqual({ on_hand: 8, reserved: 0 })

    const reused = await sell({
      lines: [{ variantId: mug.gid, quantity: 1 }],
      payment: cash('100.00'),
      idempotencyKey: 'sale-cash-0001',
    })
    expect(reused.data!.posSaleCreate.userErrors.map((e) => e.code)).toEqual(['IDEMPOTENCY_KEY_REUSED'])
    expect(await level(rivoli.id, mug.id)).toEqual({ on_hand: 9, reserved: 0 })
  })

  it('refuses too little cash, unknown items and units promised to pickup orders, changing nothing', async () => {
    const before = await countSales()
    const short = await sell({ lines: [{ variantId: shirt.gid, quantity: 1 }], payment: cash('0.01') })
    expect(short.data!.posSaleCreate.userErrors).toEqual([
      expect.objectContaining({ code: 'INSUFFICIENT_TENDER', field: ['payment', 'amountTendered'] }),
    ])

    const unknown = await sell({
      lines: [
        { variantId: shirt.gid, quantity: 1 },
        { barcode: '0000000000000', quantity: 1 },
      ],
      payment: cash('500.00'),
    })
    expect(unknown.data!.posSaleCreate.userErrors).toEqual([
      { code: 'UNKNOWN_VARIANT', field: ['lines', '1', 'barcode'], message: 'No product on sale has this barcode.' },
    ])

    await setLevel(testDb.db, rivoli.id, shirt.id, { on_hand: 3, reserved: 2 })
    const promised = await sell({ lines: [{ variantId: shirt.gid, quantity: 2 }], payment: cash('500.00') })
    expect(promised.data!.posSaleCreate.userErrors).toEqual([
      expect.objectContaining({
        code: 'INSUFFICIENT_STOCK',
        field: ['lines', '0'],
        message: expect.stringMatching(/^Only 1 of /),
      }),
    ])
    expect(await level(rivoli.id, shirt.id)).toEqual({ on_hand: 3, reserved: 2 })
    expect(await countSales()).toBe(before)

    const both = await sell({
      lines: [{ barcode: shirt.barcode, variantId: shirt.gid, quantity: 1 }],
      payment: cash('9.00'),
    })
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const noCash = await sell({ lines: [{ variantId: shirt.gid, quantity: 1 }], payment: { method: 'CASH' } })
    expect(noCash.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const noLines = await sell({ lines: [], payment: cash('9.00') })
    expect(noLines.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    expect(await countSales()).toBe(before)
  })

  it('acts only in the store of the terminal or staff member; an admin names the store', async () => {
    const line = { lines: [{ variantId: mug.gid, quantity: 1 }], payment: cash('500.00') }
    expect((await sell({ ...line, storeId: bellecour.gid })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect((await sell({ ...line, storeId: bellecour.gid }, manager)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect((await api.gql(SALE, { input: line })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    expect((await sell(line, admin)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const byAdmin = await sell({ ...line, storeId: rivoli.gid }, admin)
    expect(byAdmin.data!.posSaleCreate.order?.status).toBe('COLLECTED')
    const byManager = await sell(line, manager)
    expect(byManager.data!.posSaleCreate.order?.status).toBe('COLLECTED')
    expect(await level(rivoli.id, mug.id)).toEqual({ on_hand: 8, reserved: 0 })
  })

  it('attaches the sale to a customer, whose timeline shows it beside their click-and-collect orders', async () => {
    const customer = await testDb.db
      .selectFrom('customer')
      .select('id')
      .where('email', '=', 'alice@comptoir.dev')
      .executeTakeFirstOrThrow()
    const sold = await sell({
      lines: [{ variantId: shirt.gid, quantity: 1 }],
      payment: cash('500.00'),
      customerId: globalId('Customer', customer.id),
    })
    const orderId = sold.data!.posSaleCreate.order!.id
    const lookup = await api.gql<{
      customerLookup: {
        timeline: { kind: string; type: string; channel: string | null; order: { id: string } | null }[]
      }[]
    }>(
      'query { customerLookup(query: "alice@comptoir.dev") { timeline { kind type channel order { id } } } }',
      {},
      { token: manager },
    )
    expect(lookup.data!.customerLookup[0]!.timeline).toContainEqual({
      kind: 'ORDER',
      type: 'COLLECTED',
      channel: 'POS',
      order: { id: orderId },
    })
    const unknown = await sell({
      lines: [{ variantId: shirt.gid, quantity: 1 }],
      payment: cash('500.00'),
      customerId: globalId('Customer', '00000000-0000-4000-8000-000000000000'),
    })
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
  })

  it('takes a card on the offline provider at once when no Stripe is configured', async () => {
    const sold = await sell({ lines: [{ variantId: mug.gid, quantity: 2 }], payment: { method: 'CARD_PRESENT' } })
    const { order, change, userErrors } = sold.data!.posSaleCreate
    expect(userErrors).toEqual([])
    expect(change).toBeNull()
    expect(order).toMatchObject({
      status: 'COLLECTED',
      history: [{ status: 'PENDING_PAYMENT' }, { status: 'COLLECTED' }],
      payments: [{ provider: 'OFFLINE', status: 'CAPTURED', captured: { amountMinor: 2 * mug.price } }],
    })
    expect(await level(rivoli.id, mug.id)).toEqual({ on_hand: 8, reserved: 0 })
    const reasons = await testDb.db
      .selectFrom('stock_movement')
      .select(['reason', 'on_hand_delta', 'reserved_delta'])
      .where('order_id', '=', rawId(order!.id))
      .orderBy('id')
      .execute()
    expect(reasons).toEqual([
      { reason: 'RESERVATION', on_hand_delta: 0, reserved_delta: 2 },
      { reason: 'POS_SALE', on_hand_delta: -2, reserved_delta: -2 },
    ])
  })

  it('sells the last units once when tills race, and one retried key makes one sale', async () => {
    await setLevel(testDb.db, rivoli.id, shirt.id, { on_hand: 5, reserved: 0 })
    const before = await countSales()
    const racing = await Promise.all(
      Array.from({ length: 20 }, () =>
        sell({ lines: [{ variantId: shirt.gid, quantity: 1 }], payment: cash('500.00') }),
      ),
    )
    const outcomes = racing.map((r) => r.data?.posSaleCreate.userErrors[0]?.code ?? r.data?.posSaleCreate.order?.status)
    expect(outcomes.filter((o) => o === 'COLLECTED')).toHaveLength(5)
    expect(outcomes.filter((o) => o === 'INSUFFICIENT_STOCK')).toHaveLength(15)
    expect(await level(rivoli.id, shirt.id)).toEqual({ on_hand: 0, reserved: 0 })

    const retried = await Promise.all(
      Array.from({ length: 10 }, () =>
        sell({
          lines: [{ variantId: mug.gid, quantity: 1 }],
          payment: cash('500.00'),
          idempotencyKey: 'sale-race-0001',
        }),
      ),
    )
    const ids = new Set(retried.map((r) => r.data?.posSaleCreate.order?.id))
    expect([...ids]).toHaveLength(1)
    expect(ids.has(undefined)).toBe(false)
    expect(await level(rivoli.id, mug.id)).toEqual({ on_hand: 9, reserved: 0 })
    expect(await countSales()).toBe(before + 6)
  })

  it('is returned like any order: in another store, back on that shelf, cash back, never more than was sold', async () => {
    const sold = await sell({ lines: [{ barcode: mug.barcode, quantity: 2 }], payment: cash('500.00') })
    const orderId = sold.data!.posSaleCreate.order!.id
    await setLevel(testDb.db, bellecour.id, mug.id, { on_hand: 0 })
    const bellecourManager = await api.signInStaff('manager.lyo-bellecour@comptoir.dev')
    const sku = sold.data!.posSaleCreate.order!.lines[0]!.sku
    const RETURN = `mutation($input: PosReturnCreateInput!) {
      posReturnCreate(input: $input) { return { refundTo amount { amountMinor } } userErrors { code } }
    }`
    const back = await api.gql<{ posReturnCreate: { return: unknown; userErrors: { code: string }[] } }>(
      RETURN,
      { input: { orderId, lines: [{ sku, quantity: 2 }], refundTo: 'ORIGINAL' } },
      { token: bellecourManager },
    )
    expect(back.data!.posReturnCreate).toEqual({
      return: { refundTo: 'CASH', amount: { amountMinor: 2 * mug.price } },
      userErrors: [],
    })
    expect(await level(bellecour.id, mug.id)).toEqual({ on_hand: 2, reserved: 0 })
    const again = await api.gql<{ posReturnCreate: { userErrors: { code: string }[] } }>(
      RETURN,
      { input: { orderId, lines: [{ sku, quantity: 1 }], refundTo: 'CASH' } },
      { token: bellecourManager },
    )
    expect(again.data!.posReturnCreate.userErrors.map((e) => e.code)).toEqual(['RETURN_EXCEEDS_PURCHASE'])
  })
})
