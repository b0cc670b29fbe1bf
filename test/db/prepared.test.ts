import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type Db } from '../../src/db/create-db.js'
import { PREPARED } from '../../src/db/prepared.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let single: Db | null = null
beforeAll(async () => {
  testDb = await createTestDb()
  // One connection, so that the statement and the look at what it prepared share a session.
  if (testDb.url) single = await createDb({ kind: 'postgres', url: testDb.url, poolMax: 1 })
})
afterAll(async () => {
  await single?.destroy()
  await testDb.destroy()
})

describe('statements marked PREPARED', () => {
  it('answer alike on every database', async () => {
    const { rows } = await sql<{ doubled: number }>`${sql.raw(PREPARED)} SELECT ${21}::int * 2 AS doubled`.execute(
      testDb.db,
    )
    expect(rows).toEqual([{ doubled: 42 }])
  })

  it.runIf(process.env.DATABASE_URL || process.env.TEST_DATABASE_URL)(
    'are prepared once per connection on PostgreSQL, and only those',
    async () => {
      const db = single as Db
      for (const value of [1, 2, 3]) {
        const { rows } = await sql<{
          doubled: number
        }>`${sql.raw(PREPARED)} SELECT ${value}::int * 2 AS doubled`.execute(db)
        expect(rows).toEqual([{ doubled: value * 2 }])
      }
      await sql`SELECT ${1}::int AS plain`.execute(db)
      const prepared = await sql<{ name: string; statement: string }>`
        SELECT name, statement FROM pg_prepared_statements`.execute(db)
      expect(prepared.rows).toEqual([
        {
          name: expect.stringMatching(/^prepared_[0-9a-f]{24}$/),
          statement: expect.stringContaining('* 2 AS doubled'),
        },
      ])
    },
  )
})
