import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../src/db/transaction.js'
import { PromotionExhaustedError } from '../../src/modules/promotions/promotion.errors.js'
import { consumePromotionUses, releasePromotionUses } from '../../src/modules/promotions/promotion-usage.service.js'
import { insertPromotion as insertPromotionRow } from '../fixtures/promotions.js'
import { testServerUrl } from '../helpers/database-url.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let customerId: string
const now = new Date('2027-02-01T12:00:00.000Z')

function insertPromotion(limits: { usage_limit?: number; usage_limit_per_customer?: number }) {
  return insertPromotionRow(testDb.db, { name: 'limited', ...limits })
}

/** An order's transaction: takes the use, then holds its locks a moment as a real checkout would. */
function checkout(promotionId: string, customer: string | null) {
  const orderId = crypto.randomUUID()
  return inTransaction(testDb.db, async (trx) => {
    await consumePromotionUses(trx, {
      orderId,
      customerId: customer,
      applied: [{ promotionId, code: 'HOT', amountMinor: 100 }],
    })
    await sql`SELECT pg_sleep(0.005)`.execute(trx)
    return orderId
  })
}

async function usesOf(promotionId: string) {
  const promotion = await testDb.db
    .selectFrom('promotion')
    .select('times_used')
    .where('id', '=', promotionId)
    .executeTakeFirstOrThrow()
  const live = await testDb.db
    .selectFrom('promotion_usage')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('promotion_id', '=', promotionId)
    .where('released_at', 'is', null)
    .executeTakeFirstOrThrow()
  return { counter: promotion.times_used, rows: Number(live.n) }
}

beforeAll(async () => {
  testDb = await createTestDb()
  customerId = (await testDb.db.selectFrom('customer').select('id').executeTakeFirstOrThrow()).id
})
afterAll(() => testDb.destroy())

describe('consumePromotionUses under concurrency (PostgreSQL)', () => {
  it('lets exactly 10 of 100 parallel orders take a promotion limited to 10 uses; the rest get a clear error', async () => {
    const promotionId = await insertPromotion({ usage_limit: 10 })
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => checkout(promotionId, null)))
    const placed = results.filter((result) => result.status === 'fulfilled')
    const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []))
    expect(placed).toHaveLength(10)
    expect(refused).toHaveLength(90)
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(PromotionExhaustedError)
      expect((reason as PromotionExhaustedError).userErrors()[0]).toMatchObject({
        code: 'DISCOUNT_CODE_LIMIT_REACHED',
        field: ['discountCodes'],
      })
    }
    expect(await usesOf(promotionId)).toEqual({ counter: 10, rows: 10 })
  })

  it('holds a per-customer limit exactly when one customer checks out in parallel', async () => {
    const promotionId = await insertPromotion({ usage_limit_per_customer: 2 })
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => checkout(promotionId, customerId)))
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(2)
    // Without a total limit there is no counter to move (nor a row lock): the uses are the rows.
    expect(await usesOf(promotionId)).toEqual({ counter: 0, rows: 2 })
    // A guest cannot be counted, so a per-customer promotion needs a customer.
    await expect(checkout(promotionId, null)).rejects.toBeInstanceOf(PromotionExhaustedError)
  })

  // Two transactions at once need two connections: PGlite has one, and the checkout would wait on it.
  it.skipIf(!testServerUrl())(
    'takes no lock on a promotion without a total limit, so a chain-wide one never queues checkouts',
    async () => {
      const unlimited = await insertPromotion({})
      const limited = await insertPromotion({ usage_limit: 100 })
      await inTransaction(testDb.db, async (holder) => {
        // Another order's transaction holds both rows, as moving their counters would.
        await sql`UPDATE promotion SET times_used = times_used WHERE id IN (${unlimited}, ${limited})`.execute(holder)
        await expect(checkout(unlimited, customerId)).resolves.toBeTypeOf('string')
        // The limited one must wait for the counter: its transaction gives up at its lock_timeout.
        await expect(checkout(limited, null)).rejects.toMatchObject({ code: '55P03' })
      })
      expect(await usesOf(unlimited)).toEqual({ counter: 0, rows: 1 })
    },
  )

  it('gives a cancelled order’s use back once, so another order can take it', async () => {
    const promotionId = await insertPromotion({ usage_limit: 1 })
    const orderId = await checkout(promotionId, null)
    await expect(checkout(promotionId, null)).rejects.toBeInstanceOf(PromotionExhaustedError)
    expect(await inTransaction(testDb.db, (trx) => releasePromotionUses(trx, orderId, now))).toEqual([promotionId])
    expect(await inTransaction(testDb.db, (trx) => releasePromotionUses(trx, orderId, now))).toEqual([])
    expect(await usesOf(promotionId)).toEqual({ counter: 0, rows: 0 })
    await expect(checkout(promotionId, null)).resolves.toBeTypeOf('string')
    expect(await usesOf(promotionId)).toEqual({ counter: 1, rows: 1 })
  })
})
