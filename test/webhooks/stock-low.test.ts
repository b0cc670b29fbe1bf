import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { placeOrder, stockedStore } from '../fixtures/orders.js'
import { levelOf } from '../fixtures/stock.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'
import { startReceiver } from './receiver.js'
import { createEndpoint, deliverWebhooks, signatureIsValid } from './webhook-harness.js'

const THRESHOLD = 3
let testDb: TestDb
let api: TestApp
let receiver: Awaited<ReturnType<typeof startReceiver>>
let admin: string
let manager: string
let store: Awaited<ReturnType<typeof stockedStore>>
let sku: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  receiver = await startReceiver()
  store = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 8, slotCapacity: 100 })
  await testDb.db.updateTable('store').set({ low_stock_threshold: THRESHOLD }).where('id', '=', store.storeId).execute()
  sku = (
    await testDb.db.selectFrom('variant').select('sku').where('id', '=', store.variantId).executeTakeFirstOrThrow()
  ).sku
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
})
afterAll(async () => {
  await receiver.close()
  await testDb.destroy()
})

const lowHooks = () => receiver.received.filter((hook) => hook.path === '/stock')

async function buy(quantity: number) {
  const { result } = await placeOrder(api, {
    storeGid: store.storeGid,
    lines: [{ variantId: store.variantGid, quantity }],
  })
  expect(result.userErrors).toEqual([])
}

async function available() {
  const level = await levelOf(testDb.db, store.storeId, store.variantId)
  if (!level) throw new Error('no inventory level')
  return level.on_hand - level.reserved - level.safety_stock
}

describe('stock.low', () => {
  it('is announced once per fall to the threshold, and again after a restock above it', async () => {
    const endpoint = await createEndpoint(testDb, api, admin, receiver.url('/stock'), ['STOCK_LOW'])

    await buy(4)
    expect(await available()).toBe(4)
    await deliverWebhooks(testDb)
    expect(lowHooks()).toHaveLength(0)

    // The checkout that takes it to the threshold: one message, signed, with the figures seen.
    await buy(1)
    expect(await available()).toBe(THRESHOLD)
    expect(await deliverWebhooks(testDb)).toMatchObject({ delivered: 1, failed: 0 })
    const [first] = lowHooks()
    expect(signatureIsValid(endpoint.secret, first!)).toBe(true)
    expect(JSON.parse(first!.body)).toMatchObject({
      type: 'stock.low',
      data: {
        storeId: store.storeId,
        storeCode: 'PAR-RIVOLI',
        variantId: store.variantId,
        sku,
        availableQuantity: THRESHOLD,
        lowStockThreshold: THRESHOLD,
      },
    })

    // Still low after another sale, down to nothing: nothing new.
    await buy(2)
    await buy(1)
    expect(await available()).toBe(0)
    await deliverWebhooks(testDb)
    expect(lowHooks()).toHaveLength(1)

    // Restocked above the threshold: re-armed, and nothing to announce.
    const received = await api.gql<{ inventoryReceive: { userErrors: unknown[] } }>(
      `mutation($input: InventoryReceiveInput!) { inventoryReceive(input: $input) { userErrors { code } } }`,
      { input: { storeId: store.storeGid, lines: [{ variantId: store.variantGid, quantity: 6 }] } },
      { token: manager },
    )
    expect(received.data?.inventoryReceive.userErrors).toEqual([])
    await deliverWebhooks(testDb)
    expect(lowHooks()).toHaveLength(1)

    // Falling again: a second message, with the figures of this fall.
    await buy(4)
    expect(await available()).toBe(2)
    await deliverWebhooks(testDb)
    expect(lowHooks()).toHaveLength(2)
    expect(JSON.parse(lowHooks()[1]!.body).data).toMatchObject({ variantId: store.variantId, availableQuantity: 2 })
    expect(lowHooks()[1]!.headers['webhook-id']).not.toBe(first!.headers['webhook-id'])
    const events = await testDb.db.selectFrom('outbox_event').select('id').where('type', '=', 'stock.low').execute()
    expect(events).toHaveLength(2)
  })
})
