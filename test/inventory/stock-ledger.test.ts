import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { auditEntries, countRows, levelOf, signInAssociate, signUpCustomer } from '../fixtures/stock.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let rennes: string
let v1: string
let v2: string
let manager: string
let otherManager: string
let associate: string
let customer: string
let admin: string
let managerId: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  rennes = await storeIdByCode(testDb.db, 'PAR-RENNES')
  const variants = await testDb.db
    .selectFrom('variant')
    .select('id')
    .where('active', '=', true)
    .orderBy('sku')
    .limit(2)
    .execute()
  ;[v1, v2] = variants.map((variant) => variant.id) as [string, string]
  manager = await api.signInStaff('manager.par-rennes@comptoir.dev')
  otherManager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  associate = await signInAssociate(api, testDb.db, rennes, 'associate.ledger@comptoir.dev')
  customer = await signUpCustomer(api, 'shopper.ledger@comptoir.dev')
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  managerId = (
    await testDb.db
      .selectFrom('staff')
      .select('id')
      .where('email', '=', 'manager.par-rennes@comptoir.dev')
      .executeTakeFirstOrThrow()
  ).id
})
afterAll(() => testDb.destroy())

const RECEIVE = `mutation($input: InventoryReceiveInput!) { inventoryReceive(input: $input) { userErrors { code } } }`
const ADJUST = `mutation($input: InventoryAdjustInput!) { inventoryAdjust(input: $input) { userErrors { code } } }`
const SAFETY = `mutation($input: InventorySetSafetyStockInput!) {
  inventorySetSafetyStock(input: $input) { level { onHand safetyStock available } userErrors { code field message } }
}`
const MOVEMENTS = `query($storeId: ID!, $variantId: ID, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
  stockMovements(storeId: $storeId, variantId: $variantId, from: $from, to: $to, first: $first, after: $after) {
    edges { cursor node { reason onHandDelta reservedDelta actorType actor { email } reference note variant { id } order { id } at } }
    pageInfo { hasNextPage endCursor }
  }
}`

interface MovementPage {
  stockMovements: {
    edges: {
      cursor: string
      node: {
        reason: string
        onHandDelta: number
        reservedDelta: number
        actorType: string
        actor: { email: string } | null
        reference: string | null
        note: string | null
        variant: { id: string }
        order: { id: string } | null
        at: string
      }
    }[]
    pageInfo: { hasNextPage: boolean; endCursor: string | null }
  }
}

const store = () => globalId('Store', rennes)
const variant = (id: string) => globalId('Variant', id)

async function receive(variantId: string, quantity: number, reference: string) {
  const result = await api.gql(
    RECEIVE,
    { input: { storeId: store(), lines: [{ variantId: variant(variantId), quantity }], reference } },
    { token: manager },
  )
  expect(result.errors).toBeUndefined()
}

describe('the stock ledger', () => {
  it('pages newest first by cursor, filtered by variant and time, naming reason and actor', async () => {
    // The seed's opening stock is in the ledger too: read from this test's start.
    const since = new Date(Date.now() - 1).toISOString()
    await receive(v1, 5, 'PO-1')
    await receive(v2, 2, 'PO-2')
    const adjust = await api.gql(
      ADJUST,
      { input: { storeId: store(), variantId: variant(v1), delta: -1, reason: 'DAMAGED', note: 'dropped' } },
      { token: manager },
    )
    expect(adjust.errors).toBeUndefined()
    await receive(v1, 3, 'PO-3')

    const first = await api.gql<MovementPage>(
      MOVEMENTS,
      { storeId: store(), variantId: variant(v1), from: since, first: 2 },
      { token: manager },
    )
    expect(first.errors).toBeUndefined()
    const page1 = first.data!.stockMovements
    expect(page1.edges.map((edge) => [edge.node.reason, edge.node.onHandDelta])).toEqual([
      ['RECEIPT', 3],
      ['ADJUSTMENT_DAMAGED', -1],
    ])
    expect(page1.edges[1]?.node).toMatchObject({
      actorType: 'STAFF',
      actor: { email: 'manager.par-rennes@comptoir.dev' },
      note: 'dropped',
      order: null,
    })
    expect(page1.pageInfo.hasNextPage).toBe(true)
    const second = await api.gql<MovementPage>(
      MOVEMENTS,
      { storeId: store(), variantId: variant(v1), from: since, first: 2, after: page1.pageInfo.endCursor },
      { token: manager },
    )
    const page2 = second.data!.stockMovements
    expect(page2.edges.map((edge) => [edge.node.reason, edge.node.reference])).toEqual([['RECEIPT', 'PO-1']])
    expect(page2.pageInfo.hasNextPage).toBe(false)

    const all = await api.gql<MovementPage>(MOVEMENTS, { storeId: store(), from: since }, { token: associate })
    expect(all.data!.stockMovements.edges.map((edge) => edge.node.reference)).toEqual(['PO-3', null, 'PO-2', 'PO-1'])

    const future = new Date(Date.now() + 60_000).toISOString()
    const none = await api.gql<MovementPage>(MOVEMENTS, { storeId: store(), from: future }, { token: manager })
    expect(none.data!.stockMovements.edges).toEqual([])
    const seedOnly = await api.gql<MovementPage>(
      MOVEMENTS,
      { storeId: store(), variantId: variant(v1), to: since },
      { token: manager },
    )
    expect(seedOnly.data!.stockMovements.edges.map((edge) => edge.node.reference)).toEqual(['seed'])
  })

  it('shows the order behind a movement to staff of the store', async () => {
    const sale = await api.gql<{ posSaleCreate: { order: { id: string } } }>(
      `mutation($input: PosSaleCreateInput!) { posSaleCreate(input: $input) { order { id } } }`,
      {
        input: {
          lines: [{ variantId: variant(v1), quantity: 1 }],
          payment: { method: 'CASH', amountTendered: '500.00' },
        },
      },
      { token: manager },
    )
    const orderId = sale.data!.posSaleCreate.order.id
    const result = await api.gql<MovementPage>(MOVEMENTS, { storeId: store(), first: 1 }, { token: manager })
    expect(result.data!.stockMovements.edges[0]?.node).toMatchObject({ reason: 'POS_SALE', order: { id: orderId } })
  })

  it('refuses a bad cursor, backward paging and callers outside the store', async () => {
    const bad = await api.gql(MOVEMENTS, { storeId: store(), after: 'nope' }, { token: manager })
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const big = await api.gql(MOVEMENTS, { storeId: store(), first: 1000 }, { token: manager })
    expect(big.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    expect(
      (await api.gql(MOVEMENTS, { storeId: store() }, { token: otherManager })).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN')
    expect((await api.gql(MOVEMENTS, { storeId: store() }, { token: customer })).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    )
    expect((await api.gql(MOVEMENTS, { storeId: store() })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    expect((await api.gql(MOVEMENTS, { storeId: store() }, { token: admin })).errors).toBeUndefined()
  })
})

describe('receipts and adjustments', () => {
  it('write an audit entry with the level before and after, in the same transaction as the change', async () => {
    await setLevel(testDb.db, rennes, v2, { on_hand: 4 })
    await receive(v2, 6, 'PO-AUDIT')
    await api.gql(
      ADJUST,
      { input: { storeId: store(), variantId: variant(v2), delta: -2, reason: 'LOST' } },
      { token: manager },
    )
    const entries = await auditEntries(testDb.db, 'inventory_level', `${rennes}:${v2}`)
    expect(entries.slice(-2)).toEqual([
      expect.objectContaining({
        action: 'RECEIVE',
        actor_type: 'STAFF',
        actor_id: managerId,
        channel: 'BACK_OFFICE',
        before: expect.objectContaining({ onHand: 4 }),
        after: expect.objectContaining({ onHand: 10, reference: 'PO-AUDIT' }),
      }),
      expect.objectContaining({
        action: 'ADJUST',
        before: expect.objectContaining({ onHand: 10 }),
        after: expect.objectContaining({ onHand: 8, reason: 'LOST', note: null }),
      }),
    ])

    const audits = await countRows(testDb.db, 'audit_entry')
    const refused = await api.gql<{ inventoryAdjust: { userErrors: { code: string }[] } }>(
      ADJUST,
      { input: { storeId: store(), variantId: variant(v2), delta: -100, reason: 'LOST' } },
      { token: manager },
    )
    expect(refused.data?.inventoryAdjust.userErrors[0]?.code).toBe('NEGATIVE_STOCK')
    expect(await countRows(testDb.db, 'audit_entry')).toBe(audits)
  })

  it('audits text as the ledger stored it, a lone surrogate included', async () => {
    const result = await api.gql<{ inventoryAdjust: { userErrors: unknown[] } }>(
      ADJUST,
      { input: { storeId: store(), variantId: variant(v2), delta: 1, reason: 'FOUND', note: 'x\ud800y' } },
      { token: manager },
    )
    expect(result.data?.inventoryAdjust.userErrors).toEqual([])
    const [entry] = (await auditEntries(testDb.db, 'inventory_level', `${rennes}:${v2}`)).slice(-1)
    expect(entry?.after).toMatchObject({ note: 'x\ufffdy' })
  })
})

describe('safety stock', () => {
  const input = (safetyStock: number, variantId = v1) => ({
    input: { storeId: store(), variantId: variant(variantId), safetyStock },
  })

  it('is set by a manager of the store, lowers what shoppers can take, and is audited', async () => {
    await setLevel(testDb.db, rennes, v1, { on_hand: 10, reserved: 2 })
    const result = await api.gql<{ inventorySetSafetyStock: { level: unknown; userErrors: unknown[] } }>(
      SAFETY,
      input(3),
      {
        token: manager,
      },
    )
    expect(result.data?.inventorySetSafetyStock).toEqual({
      level: { onHand: 10, safetyStock: 3, available: 5 },
      userErrors: [],
    })
    const [entry] = (await auditEntries(testDb.db, 'inventory_level', `${rennes}:${v1}`)).slice(-1)
    expect(entry).toMatchObject({
      action: 'SAFETY_STOCK_SET',
      before: expect.objectContaining({ safetyStock: 0 }),
      after: expect.objectContaining({ safetyStock: 3 }),
    })
    const event = await testDb.db
      .selectFrom('outbox_event')
      .select('type')
      .where('aggregate_id', '=', rennes)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(event.type).toBe('inventory.changed')
  })

  it('refuses negative values, unknown variants and callers who are not managers of the store, changing nothing', async () => {
    await setLevel(testDb.db, rennes, v1, { on_hand: 10, safety_stock: 1 })
    const audits = await countRows(testDb.db, 'audit_entry')
    expect((await api.gql(SAFETY, input(-1), { token: manager })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const archived = await testDb.db
      .selectFrom('variant')
      .select('id')
      .where('id', 'not in', [v1, v2])
      .executeTakeFirstOrThrow()
    await testDb.db.updateTable('variant').set({ active: false }).where('id', '=', archived.id).execute()
    const unknown = await api.gql<{ inventorySetSafetyStock: { userErrors: { code: string; field: string[] }[] } }>(
      SAFETY,
      input(2, archived.id),
      { token: manager },
    )
    expect(unknown.data?.inventorySetSafetyStock.userErrors).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_VARIANT', field: ['variantId'] }),
    ])
    for (const token of [associate, otherManager, customer]) {
      expect((await api.gql(SAFETY, input(5), { token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    }
    expect((await api.gql(SAFETY, input(5))).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    expect(await levelOf(testDb.db, rennes, v1)).toMatchObject({ safety_stock: 1 })
    expect(await countRows(testDb.db, 'audit_entry')).toBe(audits)
    expect((await api.gql(SAFETY, input(0), { token: admin })).errors).toBeUndefined()
    expect(await levelOf(testDb.db, rennes, v1)).toMatchObject({ safety_stock: 0 })
  })
})
