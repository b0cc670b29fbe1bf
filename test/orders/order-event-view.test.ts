import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findOrderViewOfEvent } from '../../src/modules/orders/order-event-view.js'
import { globalId, setLevel, storeIdByCode, variantIdBySku } from '../fixtures/ids.js'
import { openAllDay, placeOrder } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let orderId: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => new Date('2026-11-24T08:00:00Z') })
  const storeId = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  await openAllDay(testDb.db, storeId)
  const variantId = await variantIdBySku(testDb.db)
  await setLevel(testDb.db, storeId, variantId, { on_hand: 5 })
  const { result } = await placeOrder(api, {
    storeGid: globalId('Store', storeId),
    lines: [{ variantId: globalId('Variant', variantId), quantity: 1 }],
  })
  orderId = Buffer.from(result.order!.id, 'base64').toString().split(':')[1]!
})
afterAll(() => testDb.destroy())

describe("an event's order, shared by the screens it fans out to", () => {
  it('is read once for every subscriber of one event, and afresh for the next event or after a second', async () => {
    testDb.statements.length = 0
    const views = await Promise.all(
      Array.from({ length: 20 }, () => findOrderViewOfEvent(testDb.db, { eventId: 'e-1', orderId }, 1_000)),
    )
    expect(new Set(views).size).toBe(1)
    expect(views[0]).toMatchObject({ id: orderId, status: 'PLACED', lines: [expect.objectContaining({ quantity: 1 })] })
    const readsForOneEvent = testDb.statements.length
    expect(readsForOneEvent).toBe(2) // the order and its lines

    await findOrderViewOfEvent(testDb.db, { eventId: 'e-1', orderId }, 1_500)
    expect(testDb.statements.length).toBe(readsForOneEvent)
    await findOrderViewOfEvent(testDb.db, { eventId: 'e-2', orderId }, 1_500)
    expect(testDb.statements.length).toBe(2 * readsForOneEvent)
    await findOrderViewOfEvent(testDb.db, { eventId: 'e-1', orderId }, 2_100)
    expect(testDb.statements.length).toBe(3 * readsForOneEvent)
  })
})
