import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CartStatus } from '../../src/db/database.js'
import { createScheduler } from '../../src/jobs/scheduler.js'
import { createLogger } from '../../src/logger.js'
import { cartCleanupJob } from '../../src/modules/carts/cart-cleanup.job.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let variantId: string
const NOW = new Date('2027-06-15T12:00:00Z')
const LIFETIMES = { emptyTtlHours: 6, anonymousTtlDays: 30, customerTtlDays: 90 }
const HOUR = 60 * 60_000
const DAY = 24 * HOUR
const ago = (ms: number) => new Date(NOW.getTime() - ms)

beforeAll(async () => {
  testDb = await createTestDb()
  const variant = await testDb.db.selectFrom('variant').select('id').limit(1).executeTakeFirstOrThrow()
  variantId = variant.id
})
afterAll(() => testDb.destroy())

let customerCount = 0
async function newCustomer(): Promise<string> {
  customerCount++
  const row = await testDb.db
    .insertInto('customer')
    .values({ email: `cleanup-${customerCount}@example.test`, name: 'Shopper', password_hash: 'x' })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

interface CartSpec {
  idleFor: number
  customer?: boolean
  lines?: boolean
  status?: CartStatus
  mergedInto?: string
}

async function newCart(spec: CartSpec): Promise<string> {
  const row = await testDb.db
    .insertInto('cart')
    .values({
      customer_id: spec.customer ? await newCustomer() : null,
      status: spec.status ?? 'ACTIVE',
      channel: 'WEB',
      last_channel: 'APP',
      merged_into_cart_id: spec.mergedInto ?? null,
      created_at: ago(spec.idleFor + DAY),
      updated_at: ago(spec.idleFor),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  if (spec.lines)
    await testDb.db
      .insertInto('cart_line')
      .values({ cart_id: row.id, variant_id: variantId, quantity: 2, unit_price_minor: 1000 })
      .execute()
  return row.id
}

async function existingCartIds(ids: string[]): Promise<string[]> {
  const rows = await testDb.db.selectFrom('cart').select('id').where('id', 'in', ids).execute()
  return rows.map((row) => row.id)
}

function runCleanup(options: { batchSize?: number } = {}) {
  const job = cartCleanupJob(LIFETIMES, options)
  const scheduler = createScheduler({ db: testDb.db, logger: createLogger('silent'), jobs: [job], now: () => NOW })
  return scheduler.runOnce().then((outcomes) => outcomes['cart-cleanup'])
}

describe('cart cleanup job', () => {
  it('deletes idle carts by rule, keeps the rest and every checked-out cart', async () => {
    const keep = {
      emptyRecent: await newCart({ idleFor: 5 * HOUR }),
      anonymousRecent: await newCart({ idleFor: 29 * DAY, lines: true }),
      customerRecent: await newCart({ idleFor: 89 * DAY, lines: true, customer: true }),
      checkedOutEmpty: await newCart({ idleFor: 400 * DAY, status: 'CHECKED_OUT', customer: true }),
      checkedOutAnonymous: await newCart({ idleFor: 400 * DAY, status: 'CHECKED_OUT', lines: true }),
    }
    const gone = {
      emptyAnonymous: await newCart({ idleFor: 7 * HOUR }),
      emptyCustomer: await newCart({ idleFor: 7 * HOUR, customer: true }),
      anonymousOld: await newCart({ idleFor: 31 * DAY, lines: true }),
      mergedOld: await newCart({ idleFor: 31 * DAY, lines: true, status: 'MERGED' }),
      customerOld: await newCart({ idleFor: 91 * DAY, lines: true, customer: true }),
    }

    const outcome = await runCleanup()

    expect(outcome).toEqual({
      affected: 5,
      details: { emptyCarts: 2, anonymousCarts: 2, customerCarts: 1, expiredHandoffs: 0 },
    })
    expect((await existingCartIds(Object.values(keep))).sort()).toEqual(Object.values(keep).sort())
    expect(await existingCartIds(Object.values(gone))).toEqual([])
    const lines = await testDb.db
      .selectFrom('cart_line')
      .select('cart_id')
      .where('cart_id', 'in', Object.values(gone))
      .execute()
    expect(lines).toEqual([])
  })

  it('deletes the cart a younger merged cart points at, unlinking that one', async () => {
    const target = await newCart({ idleFor: 91 * DAY, lines: true, customer: true })
    const merged = await newCart({ idleFor: 10 * DAY, lines: true, status: 'MERGED', mergedInto: target })

    await runCleanup()

    expect(await existingCartIds([target, merged])).toEqual([merged])
    const row = await testDb.db.selectFrom('cart').selectAll().where('id', '=', merged).executeTakeFirstOrThrow()
    expect(row.merged_into_cart_id).toBeNull()
    expect(row.status).toBe('MERGED')
  })

  it('takes lines, tokens and hand-off codes with the cart, and keeps its cart_event history', async () => {
    const cartId = await newCart({ idleFor: 31 * DAY, lines: true })
    await testDb.db
      .insertInto('cart_token')
      .values({ token_hash: `token-${cartId}`, cart_id: cartId, channel: 'WEB' })
      .execute()
    await testDb.db
      .insertInto('cart_handoff')
      .values({ code_hash: `handoff-${cartId}`, cart_id: cartId, expires_at: ago(-HOUR) })
      .execute()
    await testDb.db
      .insertInto('cart_event')
      .values({ cart_id: cartId, type: 'LINE_ADDED', channel: 'WEB', payload: JSON.stringify({ variantId }) })
      .execute()

    await runCleanup()

    expect(await existingCartIds([cartId])).toEqual([])
    const count = async (table: 'cart_line' | 'cart_token' | 'cart_handoff' | 'cart_event') =>
      (await testDb.db.selectFrom(table).select('cart_id').where('cart_id', '=', cartId).execute()).length
    expect([await count('cart_line'), await count('cart_token'), await count('cart_handoff')]).toEqual([0, 0, 0])
    expect(await count('cart_event')).toBe(1)
  })

  it('deletes hand-off codes a day after they expire, from carts that stay', async () => {
    const cartId = await newCart({ idleFor: HOUR, lines: true })
    const handoff = (code: string, expiresAgo: number) => ({
      code_hash: code,
      cart_id: cartId,
      expires_at: ago(expiresAgo),
    })
    await testDb.db
      .insertInto('cart_handoff')
      .values([handoff('long-expired', 25 * HOUR), handoff('just-expired', 2 * HOUR), handoff('valid', -HOUR)])
      .execute()

    const outcome = await runCleanup()

    expect(outcome).toMatchObject({ details: { expiredHandoffs: 1 } })
    const left = await testDb.db.selectFrom('cart_handoff').select('code_hash').where('cart_id', '=', cartId).execute()
    expect(left.map((row) => row.code_hash).sort()).toEqual(['just-expired', 'valid'])
    expect(await existingCartIds([cartId])).toEqual([cartId])
  })

  it('works in bounded batches, leaving the backlog to the next runs', async () => {
    const carts = [
      await newCart({ idleFor: 8 * HOUR }),
      await newCart({ idleFor: 9 * HOUR }),
      await newCart({ idleFor: 10 * HOUR }),
    ]

    expect(await runCleanup({ batchSize: 2 })).toMatchObject({ details: { emptyCarts: 2 } })
    // Oldest first.
    expect(await existingCartIds(carts)).toEqual([carts[0]])
    expect(await runCleanup({ batchSize: 2 })).toMatchObject({ details: { emptyCarts: 1 } })
    expect(await existingCartIds(carts)).toEqual([])
  })
})
