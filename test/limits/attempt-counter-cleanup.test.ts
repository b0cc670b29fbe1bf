import { afterAll, beforeAll, expect, it } from 'vitest'
import { inTransaction } from '../../src/db/transaction.js'
import { attemptCounterCleanupJob } from '../../src/limits/attempt-counter-cleanup.job.js'
import { createAttemptLimits } from '../../src/limits/attempt-limits.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
beforeAll(async () => {
  testDb = await createTestDb()
})
afterAll(() => testDb.destroy())

it('prunes the counters whose window has ended, and keeps the live ones', async () => {
  const limits = createAttemptLimits({ kind: 'database', db: testDb.db })
  await limits.forClient('203.0.113.1').signIn('staff', 'a@shop')
  await limits.forClient('203.0.113.2').handoffClaim()
  const live = await testDb.db.selectFrom('attempt_counter').select('key').execute()
  expect(live.length).toBe(4) // pair, client and account of the sign-in; the hand-off claim's client
  await testDb.db
    .insertInto('attempt_counter')
    .values([
      { key: 'signin_pair:ended', points: 3, expire: Date.now() - 1000 },
      { key: 'handoff_claim_client:ended', points: 5, expire: Date.now() - 60_000 },
    ])
    .execute()

  const job = attemptCounterCleanupJob()
  const result = await inTransaction(testDb.db, (trx) => job.run(trx, new Date()))

  expect(result.affected).toBe(2)
  const left = await testDb.db.selectFrom('attempt_counter').select('key').execute()
  expect(new Set(left.map((row) => row.key))).toEqual(new Set(live.map((row) => row.key)))
})
