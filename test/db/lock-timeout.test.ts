import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../src/db/transaction.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
beforeAll(async () => {
  testDb = await createTestDb()
})
afterAll(() => testDb.destroy())

describe('row locks on PostgreSQL', () => {
  it.runIf(process.env.DATABASE_URL || process.env.TEST_DATABASE_URL)(
    'a transaction waiting on a stuck lock fails with 55P03 after its own lock_timeout',
    async () => {
      const inside = await inTransaction(testDb.db, (trx) =>
        sql<{ lock_timeout: string }>`SHOW lock_timeout`.execute(trx),
      )
      expect(inside.rows[0]?.lock_timeout).toBe('2s')
      const store = await testDb.db.selectFrom('store').select('id').executeTakeFirstOrThrow()
      let release: () => void = () => {}
      const held = new Promise<void>((resolve) => {
        release = resolve
      })
      const holder = inTransaction(testDb.db, async (trx) => {
        await trx.selectFrom('store').select('id').where('id', '=', store.id).forUpdate().execute()
        await held
      })
      const waiter = inTransaction(testDb.db, (trx) =>
        trx.updateTable('store').set({ name: 'x' }).where('id', '=', store.id).execute(),
      )
      await expect(waiter).rejects.toMatchObject({ code: '55P03' })
      release()
      await holder
    },
  )

  it.runIf(process.env.DATABASE_URL || process.env.TEST_DATABASE_URL)(
    'outside a transaction, a direct connection carries the lock_timeout; through a pooler, SET LOCAL leaves nothing behind',
    async () => {
      const alone = () => sql<{ lock_timeout: string }>`SHOW lock_timeout`.execute(testDb.db)
      await Promise.all(Array.from({ length: 30 }, () => inTransaction(testDb.db, (trx) => sql`SELECT 1`.execute(trx))))
      const answers = await Promise.all(Array.from({ length: 30 }, alone))
      const seen = new Set(answers.map(({ rows }) => rows[0]?.lock_timeout))
      // Through PgBouncer the statement runs on whichever server connection is free: the server's default, never 2s left over.
      expect([...seen]).toEqual([testDb.pooled ? '0' : '2s'])
    },
  )
})
