import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { globalId, setLevel, storeIdByCode, variantIdBySku } from '../fixtures/ids.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let rivoliId: string
let bellecourId: string
let variantIds: string[]
let rivoliManager: string
let bellecourManager: string
let admin: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  rivoliId = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  bellecourId = await storeIdByCode(testDb.db, 'LYO-BELLECOUR')
  const variants = await testDb.db.selectFrom('variant').select('id').orderBy('sku').limit(3).execute()
  variantIds = variants.map((v) => v.id)
  rivoliManager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  bellecourManager = await api.signInStaff('MANAGER.lyo-bellecour@comptoir.dev')
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
})
afterAll(() => testDb.destroy())

const RECEIVE = `mutation($input: InventoryReceiveInput!) {
  inventoryReceive(input: $input) {
    levels { onHand reserved available variant { sku } store { code } }
    userErrors { code field message }
  }
}`
const ADJUST = `mutation($input: InventoryAdjustInput!) {
  inventoryAdjust(input: $input) {
    level { onHand reserved available }
    userErrors { code field message }
  }
}`

async function level(storeId: string, variantId: string) {
  return testDb.db
    .selectFrom('inventory_level')
    .select(['on_hand', 'reserved'])
    .where('store_id', '=', storeId)
    .where('variant_id', '=', variantId)
    .executeTakeFirst()
}

async function ledgerSum(storeId: string, variantId: string): Promise<number> {
  const row = await testDb.db
    .selectFrom('stock_movement')
    .select(sql<string>`coalesce(sum(on_hand_delta), 0)::text`.as('total'))
    .where('store_id', '=', storeId)
    .where('variant_id', '=', variantId)
    .executeTakeFirstOrThrow()
  return Number(row.total)
}

async function countRows(table: 'stock_movement' | 'outbox_event'): Promise<number> {
  const row = await testDb.db.selectFrom(table).select(sql<string>`count(*)::text`.as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

function receiveInput(storeId: string, lines: { variantId: string; quantity: number }[]) {
  return {
    input: {
      storeId: globalId('Store', storeId),
      lines: lines.map((line) => ({ variantId: globalId('Variant', line.variantId), quantity: line.quantity })),
      reference: 'PO-1234',
    },
  }
}

describe('staffSignIn', () => {
  it('refuses a wrong password and an unknown email with the same userError', async () => {
    const SIGN_IN = `mutation($input: StaffSignInInput!) { staffSignIn(input: $input) { accessToken staff { email } userErrors { code message } } }`
    const wrong = await api.gql(SIGN_IN, { input: { email: 'admin@comptoir.dev', password: 'nope' } })
    const unknown = await api.gql(SIGN_IN, { input: { email: 'nobody@comptoir.dev', password: 'nope' } })
    expect(wrong.data).toEqual({
      staffSignIn: {
        accessToken: null,
        staff: null,
        userErrors: [{ code: 'INVALID_CREDENTIALS', message: 'Email or password is incorrect.' }],
      },
    })
    expect(unknown.data).toEqual(wrong.data)
    const right = await api.gql(SIGN_IN, { input: { email: 'admin@comptoir.dev', password: 'comptoir-admin' } })
    expect(right.errors).toBeUndefined()
    expect(right.data).toEqual({
      staffSignIn: { accessToken: expect.any(String), staff: { email: 'admin@comptoir.dev' }, userErrors: [] },
    })
  })

  it('gives a token that identifies the staff member and their store', async () => {
    const result = await api.gql<{ staffMe: { email: string; role: string; store: { code: string } | null } }>(
      '{ staffMe { email role store { code } } }',
      {},
      { token: rivoliManager },
    )
    expect(result.data!.staffMe).toEqual({
      email: 'manager.par-rivoli@comptoir.dev',
      role: 'MANAGER',
      store: { code: 'PAR-RIVOLI' },
    })
  })

  it('refuses a forged or expired token as UNAUTHENTICATED', async () => {
    const forged = `${rivoliManager.slice(0, -4)}AAAA`
    const result = await api.gql('{ staffMe { email } }', {}, { token: forged })
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
  })
})

describe('inventoryReceive', () => {
  it('adds to on hand with one ledger row per line and one outbox event, in one go', async () => {
    const [a, b] = variantIds as [string, string]
    await setLevel(testDb.db, rivoliId, a, { on_hand: 4, reserved: 1 })
    await testDb.db.deleteFrom('inventory_level').where('store_id', '=', rivoliId).where('variant_id', '=', b).execute()
    const ledgerBefore = { a: await ledgerSum(rivoliId, a), b: await ledgerSum(rivoliId, b) }
    const eventsBefore = await countRows('outbox_event')

    const result = await api.gql<{
      inventoryReceive: { levels: { onHand: number; reserved: number; available: number }[]; userErrors: unknown[] }
    }>(
      RECEIVE,
      receiveInput(rivoliId, [
        { variantId: a, quantity: 6 },
        { variantId: b, quantity: 3 },
        { variantId: a, quantity: 2 },
      ]),
      { token: rivoliManager },
    )
    expect(result.data!.inventoryReceive.userErrors).toEqual([])
    expect(await level(rivoliId, a)).toEqual({ on_hand: 12, reserved: 1 })
    expect(await level(rivoliId, b)).toEqual({ on_hand: 3, reserved: 0 })
    expect(await ledgerSum(rivoliId, a)).toBe(ledgerBefore.a + 8)
    expect(await ledgerSum(rivoliId, b)).toBe(ledgerBefore.b + 3)
    const movements = await testDb.db
      .selectFrom('stock_movement')
      .selectAll()
      .where('reference', '=', 'PO-1234')
      .where('store_id', '=', rivoliId)
      .execute()
    expect(movements.map((m) => [m.variant_id, m.on_hand_delta, m.reason, m.actor_type]).sort()).toEqual(
      [
        [a, 8, 'RECEIPT', 'STAFF'],
        [b, 3, 'RECEIPT', 'STAFF'],
      ].sort(),
    )
    expect(await countRows('outbox_event')).toBe(eventsBefore + 1)
    const event = await testDb.db.selectFrom('outbox_event').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(event).toMatchObject({ type: 'inventory.changed', aggregate_id: rivoliId })
  })

  it('lets an admin receive into any store', async () => {
    const result = await api.gql<{ inventoryReceive: { userErrors: unknown[] } }>(
      RECEIVE,
      receiveInput(bellecourId, [{ variantId: variantIds[2]!, quantity: 1 }]),
      { token: admin },
    )
    expect(result.data!.inventoryReceive.userErrors).toEqual([])
  })

  it('refuses anonymous callers and staff of another store, and changes nothing', async () => {
    const before = await level(rivoliId, variantIds[0]!)
    const movementsBefore = await countRows('stock_movement')
    const input = receiveInput(rivoliId, [{ variantId: variantIds[0]!, quantity: 5 }])
    const anonymous = await api.gql(RECEIVE, input)
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    expect(anonymous.data).toBeNull()
    const otherStore = await api.gql(RECEIVE, input, { token: bellecourManager })
    expect(otherStore.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect(await level(rivoliId, variantIds[0]!)).toEqual(before)
    expect(await countRows('stock_movement')).toBe(movementsBefore)
  })

  it('answers UNKNOWN_VARIANT naming the line, and changes nothing', async () => {
    const before = await level(rivoliId, variantIds[0]!)
    const movementsBefore = await countRows('stock_movement')
    await testDb.db.updateTable('variant').set({ active: false }).where('id', '=', variantIds[1]!).execute()
    const result = await api.gql<{
      inventoryReceive: { levels: unknown[]; userErrors: { code: string; field: string[] }[] }
    }>(
      RECEIVE,
      receiveInput(rivoliId, [
        { variantId: variantIds[0]!, quantity: 5 },
        { variantId: '00000000-0000-4000-8000-000000000000', quantity: 1 },
        { variantId: variantIds[1]!, quantity: 1 },
      ]),
      { token: rivoliManager },
    )
    await testDb.db.updateTable('variant').set({ active: true }).where('id', '=', variantIds[1]!).execute()
    expect(result.data!.inventoryReceive).toMatchObject({
      levels: [],
      userErrors: [
        { code: 'UNKNOWN_VARIANT', field: ['lines', '1', 'variantId'] },
        { code: 'UNKNOWN_VARIANT', field: ['lines', '2', 'variantId'] },
      ],
    })
    expect(await level(rivoliId, variantIds[0]!)).toEqual(before)
    expect(await countRows('stock_movement')).toBe(movementsBefore)
  })

  it('refuses zero or negative quantities, no lines, and an unknown store', async () => {
    const zero = await api.gql(RECEIVE, receiveInput(rivoliId, [{ variantId: variantIds[0]!, quantity: 0 }]), {
      token: rivoliManager,
    })
    expect(zero.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const negative = await api.gql(RECEIVE, receiveInput(rivoliId, [{ variantId: variantIds[0]!, quantity: -3 }]), {
      token: rivoliManager,
    })
    expect(negative.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const empty = await api.gql(RECEIVE, receiveInput(rivoliId, []), { token: rivoliManager })
    expect(empty.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const unknownStore = await api.gql(
      RECEIVE,
      receiveInput('00000000-0000-4000-8000-000000000000', [{ variantId: variantIds[0]!, quantity: 1 }]),
      { token: admin },
    )
    expect(unknownStore.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
  })
})

describe('inventoryAdjust', () => {
  function adjustInput(variantId: string, delta: number, storeId = rivoliId) {
    return {
      input: {
        storeId: globalId('Store', storeId),
        variantId: globalId('Variant', variantId),
        delta,
        reason: 'DAMAGED',
        note: 'dropped',
      },
    }
  }

  it('removes units with a ledger row naming the reason', async () => {
    const variantId = variantIds[2]!
    await setLevel(testDb.db, rivoliId, variantId, { on_hand: 7 })
    const ledgerBefore = await ledgerSum(rivoliId, variantId)
    const result = await api.gql<{ inventoryAdjust: { level: { onHand: number }; userErrors: unknown[] } }>(
      ADJUST,
      adjustInput(variantId, -2),
      { token: rivoliManager },
    )
    expect(result.data!.inventoryAdjust).toEqual({ level: { onHand: 5, reserved: 0, available: 5 }, userErrors: [] })
    expect(await ledgerSum(rivoliId, variantId)).toBe(ledgerBefore - 2)
    const movement = await testDb.db
      .selectFrom('stock_movement')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(movement).toMatchObject({ reason: 'ADJUSTMENT_DAMAGED', note: 'dropped', on_hand_delta: -2 })
  })

  it('answers NEGATIVE_STOCK rather than going below zero, and changes nothing', async () => {
    const variantId = variantIds[2]!
    await setLevel(testDb.db, rivoliId, variantId, { on_hand: 3 })
    const movementsBefore = await countRows('stock_movement')
    const result = await api.gql<{
      inventoryAdjust: { level: unknown; userErrors: { code: string; field: string[] }[] }
    }>(ADJUST, adjustInput(variantId, -4), { token: rivoliManager })
    expect(result.data!.inventoryAdjust.level).toBeNull()
    expect(result.data!.inventoryAdjust.userErrors).toMatchObject([{ code: 'NEGATIVE_STOCK', field: ['delta'] }])
    expect(await level(rivoliId, variantId)).toEqual({ on_hand: 3, reserved: 0 })
    expect(await countRows('stock_movement')).toBe(movementsBefore)
  })

  it('answers BELOW_RESERVED rather than taking units promised to orders', async () => {
    const variantId = variantIds[2]!
    await setLevel(testDb.db, rivoliId, variantId, { on_hand: 5, reserved: 4 })
    const result = await api.gql<{ inventoryAdjust: { userErrors: { code: string }[] } }>(
      ADJUST,
      adjustInput(variantId, -2),
      {
        token: rivoliManager,
      },
    )
    expect(result.data!.inventoryAdjust.userErrors).toMatchObject([{ code: 'BELOW_RESERVED' }])
    expect(await level(rivoliId, variantId)).toEqual({ on_hand: 5, reserved: 4 })
  })

  it('refuses a zero delta, an unknown variant and staff of another store', async () => {
    const zero = await api.gql(ADJUST, adjustInput(variantIds[0]!, 0), { token: rivoliManager })
    expect(zero.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const unknown = await api.gql<{ inventoryAdjust: { userErrors: { code: string }[] } }>(
      ADJUST,
      adjustInput('00000000-0000-4000-8000-000000000000', 1),
      { token: rivoliManager },
    )
    expect(unknown.data!.inventoryAdjust.userErrors).toMatchObject([{ code: 'UNKNOWN_VARIANT' }])
    const foreign = await api.gql(ADJUST, adjustInput(variantIds[0]!, 1), { token: bellecourManager })
    expect(foreign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
  })

  it('the database itself refuses oversell, whatever the code does', async () => {
    const variantId = await variantIdBySku(testDb.db)
    await setLevel(testDb.db, rivoliId, variantId, { on_hand: 1 })
    await expect(
      testDb.db
        .updateTable('inventory_level')
        .set({ reserved: 2 })
        .where('store_id', '=', rivoliId)
        .where('variant_id', '=', variantId)
        .execute(),
    ).rejects.toThrow(/inventory_level_no_oversell/)
  })
})

describe('concurrent stock changes', () => {
  it('loses no unit when many receipts and adjustments hit one level at once', async () => {
    const variantId = variantIds[0]!
    await setLevel(testDb.db, rivoliId, variantId, { on_hand: 100 })
    const ledgerBefore = await ledgerSum(rivoliId, variantId)
    const receipts = Array.from({ length: 15 }, () =>
      api.gql(RECEIVE, receiveInput(rivoliId, [{ variantId, quantity: 2 }]), { token: rivoliManager }),
    )
    const removals = Array.from({ length: 15 }, () =>
      api.gql(ADJUST, { input: { ...adjustInputFor(variantId), delta: -1 } }, { token: rivoliManager }),
    )
    const results = await Promise.all([...receipts, ...removals])
    expect(results.every((result) => !result.errors)).toBe(true)
    expect(await level(rivoliId, variantId)).toEqual({ on_hand: 115, reserved: 0 })
    expect(await ledgerSum(rivoliId, variantId)).toBe(ledgerBefore + 15)
  })
})

function adjustInputFor(variantId: string) {
  return { storeId: globalId('Store', rivoliId), variantId: globalId('Variant', variantId), reason: 'COUNT_CORRECTION' }
}
