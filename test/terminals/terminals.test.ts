import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { globalId, setLevel, storeIdByCode, variantIdBySku } from '../fixtures/ids.js'
import { openAllDay, placeOrder, staffMutation } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
let testDb: TestDb
let api: TestApp
let rivoli: { id: string; gid: string }
let bellecour: { id: string; gid: string }
let rivoliManager: string
let bellecourManager: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  const rivoliId = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  const bellecourId = await storeIdByCode(testDb.db, 'LYO-BELLECOUR')
  rivoli = { id: rivoliId, gid: globalId('Store', rivoliId) }
  bellecour = { id: bellecourId, gid: globalId('Store', bellecourId) }
  await openAllDay(testDb.db, rivoliId, { slotCapacity: 50 })
  rivoliManager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  bellecourManager = await api.signInStaff('manager.lyo-bellecour@comptoir.dev')
})
afterAll(() => testDb.destroy())

const REGISTER = `mutation($input: PosTerminalRegisterInput!) {
  posTerminalRegister(input: $input) { terminal { id label active store { code } } terminalKey userErrors { code } }
}`
const REVOKE = `mutation($input: PosTerminalRevokeInput!) { posTerminalRevoke(input: $input) { terminal { active } userErrors { code } } }`
const QUEUE = `query($storeId: ID!) { storeOrders(storeId: $storeId) { edges { node { id } } } }`

async function register(token: string, storeGid = rivoli.gid) {
  return api.gql<{
    posTerminalRegister: {
      terminal: { id: string; label: string; active: boolean; store: { code: string } }
      terminalKey: string
    }
  }>(REGISTER, { input: { storeId: storeGid, label: 'Till 1' } }, { token })
}

describe('POS terminals', () => {
  it('are registered by a manager of the store, with a key shown once and stored hashed', async () => {
    const result = await register(rivoliManager)
    const { terminal, terminalKey } = result.data!.posTerminalRegister
    expect(terminal).toMatchObject({ label: 'Till 1', active: true, store: { code: 'PAR-RIVOLI' } })
    expect(terminalKey).toMatch(/^ctk_[\w-]{43}$/)
    const rows = await testDb.db.selectFrom('pos_terminal').select('key_hash').execute()
    expect(rows.some((row) => row.key_hash.includes(terminalKey))).toBe(false)

    expect((await register(bellecourManager)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect(
      (await api.gql(REGISTER, { input: { storeId: rivoli.gid, label: 'x' } })).errors?.[0]?.extensions?.code,
    ).toBe('UNAUTHENTICATED')
  })

  it('act only in their store, hand orders over there, and stop working once revoked', async () => {
    const { terminal, terminalKey } = (await register(rivoliManager)).data!.posTerminalRegister
    const mine = await api.gql<{ storeOrders: unknown }>(QUEUE, { storeId: rivoli.gid }, { token: terminalKey })
    expect(mine.errors).toBeUndefined()
    const other = await api.gql(QUEUE, { storeId: bellecour.gid }, { token: terminalKey })
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')

    const variantId = await variantIdBySku(testDb.db)
    await setLevel(testDb.db, rivoli.id, variantId, { on_hand: 5 })
    const { result } = await placeOrder(api, {
      storeGid: rivoli.gid,
      lines: [{ variantId: globalId('Variant', variantId), quantity: 1 }],
    })
    const orderId = result.order!.id
    const run = staffMutation(api, terminalKey)
    await run('orderStartPreparing', { orderId })
    await run('orderMarkReady', { orderId })
    const collected = await run('orderCollect', {
      orderId,
      pickupCode: result.pickupCode,
      payment: { method: 'CASH', amountTendered: '500.00' },
    })
    expect(collected.data!.orderCollect!.userErrors).toEqual([])
    const movement = await testDb.db
      .selectFrom('stock_movement')
      .select(['reason', 'actor_type', 'actor_id'])
      .where('order_id', '=', Buffer.from(orderId, 'base64').toString().split(':')[1]!)
      .where('reason', '=', 'COLLECTED')
      .executeTakeFirstOrThrow()
    expect(movement).toEqual({
      reason: 'COLLECTED',
      actor_type: 'TERMINAL',
      actor_id: Buffer.from(terminal.id, 'base64').toString().split(':')[1],
    })

    expect(
      (await api.gql(REVOKE, { input: { terminalId: terminal.id } }, { token: bellecourManager })).errors?.[0]
        ?.extensions?.code,
    ).toBe('FORBIDDEN')
    const revoked = await api.gql<{ posTerminalRevoke: { terminal: { active: boolean } } }>(
      REVOKE,
      { input: { terminalId: terminal.id } },
      { token: rivoliManager },
    )
    expect(revoked.data!.posTerminalRevoke.terminal.active).toBe(false)
    const after = await api.gql(QUEUE, { storeId: rivoli.gid }, { token: terminalKey })
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
  })

  it('answer NOT_FOUND, changing nothing, for a store or terminal that does not exist', async () => {
    const admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
    const ghost = '00000000-0000-4000-8000-000000000000'
    const before = await testDb.db.selectFrom('pos_terminal').select('id').execute()
    const inNowhere = await register(admin, globalId('Store', ghost))
    expect(inNowhere.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', typename: 'Store', id: ghost })
    const revoke = await api.gql(REVOKE, { input: { terminalId: globalId('PosTerminal', ghost) } }, { token: admin })
    expect(revoke.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', typename: 'PosTerminal', id: ghost })
    const update = await api.gql(
      `mutation($input: PosTerminalUpdateInput!) { posTerminalUpdate(input: $input) { terminal { id } } }`,
      { input: { terminalId: globalId('PosTerminal', ghost), readerId: 'tmr_ghost' } },
      { token: admin },
    )
    expect(update.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', typename: 'PosTerminal', id: ghost })
    expect(await testDb.db.selectFrom('pos_terminal').select('id').execute()).toEqual(before)
  })
})
