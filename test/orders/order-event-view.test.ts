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

  it('reads the events asked for in the same turn together, and those asked for during a read in the next one', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000'
    testDb.statements.length = 0
    const together = await Promise.all([
      findOrderViewOfEvent(testDb.db, { eventId: 'burst-1', orderId }, 10_000),
      findOrderViewOfEvent(testDb.db, { eventId: 'burst-2', orderId }, 10_000),
      findOrderViewOfEvent(testDb.db, { eventId: 'burst-3', orderId: unknown }, 10_000),
    ])
    expect(together.map((view) => view?.id)).toEqual([orderId, orderId, undefined])
    expect(testDb.statements.length).toBe(2)

    testDb.statements.length = 0
    const first = findOrderViewOfEvent(testDb.db, { eventId: 'later-1', orderId }, 20_000)
    // The first read has started: what is asked for now waits for it, then goes in one more read.
    await new Promise((resolve) => setImmediate(resolve))
    const meanwhile = Array.from({ length: 5 }, (_, index) =>
      findOrderViewOfEvent(testDb.db, { eventId: `later-${index + 2}`, orderId }, 20_000),
    )
    const views = await Promise.all([first, ...meanwhile])
    expect(views.every((view) => view?.id === orderId)).toBe(true)
    expect(testDb.statements.length).toBe(4)
  })
})
