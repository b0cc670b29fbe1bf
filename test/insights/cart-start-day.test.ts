import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../src/db/transaction.js'
import { countCartStartRows } from '../../src/modules/insights/insight-projection.service.js'
import { storeIdByCode } from '../fixtures/ids.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
beforeAll(async () => {
  testDb = await createTestDb()
})
afterAll(() => testDb.destroy())

const cartDays = () =>
  testDb.db
    .selectFrom('insight_cart_daily')
    .select(['day', 'store_id', 'channel', 'carts_started'])
    .where('carts_started', '<>', 0)
    .orderBy('day')
    .execute()
    .then((rows) => rows.map((row) => ({ ...row, day: new Date(row.day).toISOString().slice(0, 10) })))

describe('carts started, by day', () => {
  it('moves a cart counted under no store to its store’s local day once the store is known', async () => {
    const rivoli = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
    // 23:30 UTC on 6 December is already 7 December in Paris.
    const start = { cart_id: randomUUID(), channel: 'WEB' as const, started_at: new Date('2026-12-06T23:30:00Z') }
    await inTransaction(testDb.db, (trx) => countCartStartRows(trx, [{ ...start, store_id: null }]))
    expect(await cartDays()).toEqual([{ day: '2026-12-06', store_id: null, channel: 'WEB', carts_started: 1 }])

    await inTransaction(testDb.db, (trx) => countCartStartRows(trx, [{ ...start, store_id: rivoli }]))
    expect(await cartDays()).toEqual([{ day: '2026-12-07', store_id: rivoli, channel: 'WEB', carts_started: 1 }])
  })
})
