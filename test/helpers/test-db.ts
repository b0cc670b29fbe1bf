import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { inject } from 'vitest'
import { createDb, type Db } from '../../src/db/create-db.js'
import { testServerUrl, withDatabase } from './database-url.js'
import { adminQuery } from './global-setup.js'

export interface TestDb {
  db: Db
  kind: 'postgres' | 'embedded'
  /** SQL statements sent since the last reset; for asserting a constant number of queries. */
  statements: string[]
  /** A second, independent pool on the same database (PostgreSQL only, always direct), for concurrency tests. */
  url: string | null
  /** Whether `db` goes through PgBouncer in transaction mode (TEST_POOLER=pgbouncer). */
  pooled: boolean
  destroy(): Promise<void>
}

/** A fresh, migrated and seeded database for one test file. */
export async function createTestDb(): Promise<TestDb> {
  const statements: string[] = []
  const onQuery = (sql: string) => {
    statements.push(sql)
  }
  const serverUrl = testServerUrl()
  const template = inject('templateDatabase')
  if (serverUrl && template) {
    const name = `comptoir_t_${randomBytes(6).toString('hex')}`
    await adminQuery(serverUrl, `CREATE DATABASE ${name} TEMPLATE ${template}`)
    const url = withDatabase(serverUrl, name)
    // CREATE DATABASE needs the direct connection above; the application's pool may go through the pooler.
    const poolerUrl = inject('poolerUrl')
    const db = await createDb(
      poolerUrl
        ? { kind: 'postgres', url: withDatabase(poolerUrl, name), poolMax: 20, poolMode: 'transaction' }
        : { kind: 'postgres', url, poolMax: 20 },
      { onQuery },
    )
    return {
      db,
      kind: 'postgres',
      statements,
      url,
      pooled: poolerUrl !== null,
      async destroy() {
        await db.destroy()
        await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      },
    }
  }
  const templateFile = inject('embeddedTemplate')
  if (!templateFile) throw new Error('no embedded template: the global setup (vitest.config.ts) makes it')
  const dumped = new Blob([readFileSync(templateFile)])
  const db = await createDb({ kind: 'embedded', dataDir: null, template: dumped }, { onQuery })
  statements.length = 0
  return { db, kind: 'embedded', statements, url: null, pooled: false, destroy: () => db.destroy() }
}
