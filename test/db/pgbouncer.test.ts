import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type Db } from '../../src/db/create-db.js'
import { PREPARED } from '../../src/db/prepared.js'
import { inTransaction } from '../../src/db/transaction.js'
import { type PgBouncer, startPgBouncer } from '../helpers/pgbouncer.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const onPostgres = Boolean(process.env.DATABASE_URL || process.env.TEST_DATABASE_URL)

let testDb: TestDb
let pooler: PgBouncer | null = null
const pools: Db[] = []
beforeAll(async () => {
  testDb = await createTestDb()
  // Two server connections for pools of ten: every transaction may land on another client's.
  if (testDb.url) pooler = await startPgBouncer(testDb.url, { poolSize: 2 })
})
afterAll(async () => {
  for (const pool of pools) await pool.destroy()
  await pooler?.stop()
  await testDb.destroy()
})

async function open(preparedStatements?: boolean): Promise<Db> {
  const database = new URL(testDb.url as string).pathname.slice(1)
  const url = (pooler as PgBouncer).urlFor(database)
  const db = await createDb({ kind: 'postgres', url, poolMax: 10, poolMode: 'transaction', preparedStatements })
  pools.push(db)
  return db
}

/** The same marked statement from many clients at once, a few times over. */
async function markedStatements(db: Db): Promise<PromiseSettledResult<unknown>[]> {
  const results: PromiseSettledResult<unknown>[] = []
  for (let round = 0; round < 5; round++) {
    const batch = Array.from({ length: 10 }, (_, index) =>
      sql<{ doubled: number }>`${sql.raw(PREPARED)} SELECT ${index}::int * 2 AS doubled`.execute(db),
    )
    results.push(...(await Promise.allSettled(batch)))
  }
  return results
}

describe.runIf(onPostgres)('behind PgBouncer in transaction mode', () => {
  it('connects in transaction mode, where the start-up options of a direct pool are refused', async () => {
    const db = await open()
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(db)
    expect(rows).toEqual([{ one: 1 }])
    const database = new URL(testDb.url as string).pathname.slice(1)
    const direct = await createDb({ kind: 'postgres', url: (pooler as PgBouncer).urlFor(database), poolMax: 1 })
    pools.push(direct)
    await expect(sql`SELECT 1`.execute(direct)).rejects.toThrow(/unsupported startup parameter: options/)
  })

  it('runs marked statements unprepared by default, and named prepared statements break across clients', async () => {
    const safe = await markedStatements(await open())
    expect(safe.filter((result) => result.status === 'rejected')).toEqual([])
    const unsafe = await markedStatements(await open(true))
    const failures = unsafe.filter((result): result is PromiseRejectedResult => result.status === 'rejected')
    expect(failures.length).toBeGreaterThan(0)
    expect(String(failures[0]?.reason)).toMatch(/prepared statement .* (does not exist|already exists)/)
  })

  it('gives every transaction its lock_timeout, whichever server connection it lands on', async () => {
    const db = await open()
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        inTransaction(db, async (trx) => {
          const { rows } = await sql<{ lock_timeout: string }>`SHOW lock_timeout`.execute(trx)
          return rows[0]?.lock_timeout
        }),
      ),
    )
    expect(new Set(answers)).toEqual(new Set(['2s']))
  })
})
