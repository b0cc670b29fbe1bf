import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely } from 'kysely'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { createDb, openPGlite } from '../../src/db/create-db.js'
import type { Database } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrator.js'
import { PGliteDialect } from '../../src/db/pglite-dialect.js'
import { seedDemoData } from '../../src/seed/seed.js'
import { testServerUrl, withDatabase } from './database-url.js'
import { startPgBouncer } from './pgbouncer.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated, seeded database each test file copies (PostgreSQL only). */
    templateDatabase: string | null
    /** With TEST_POOLER=pgbouncer: a URL through PgBouncer (transaction mode) whose database each file swaps. */
    poolerUrl: string | null
    /** Without PostgreSQL: the file of a migrated, seeded embedded database each test file loads. */
    embeddedTemplate: string | null
  }
}

/**
 * On PostgreSQL, migrate and seed once into a template; every test file then clones it with
 * CREATE DATABASE … TEMPLATE, which takes milliseconds and isolates files from each other.
 */
export default async function setup(project: TestProject) {
  const serverUrl = testServerUrl()
  if (!serverUrl) {
    project.provide('templateDatabase', null)
    project.provide('poolerUrl', null)
    const template = await dumpEmbeddedTemplate()
    project.provide('embeddedTemplate', template.path)
    return template.remove
  }
  project.provide('embeddedTemplate', null)
  const template = `comptoir_tpl_${randomBytes(4).toString('hex')}`
  await adminQuery(serverUrl, `CREATE DATABASE ${template}`)
  const db = await createDb({ kind: 'postgres', url: withDatabase(serverUrl, template), poolMax: 2 })
  try {
    await migrateToLatest(db)
    await seedDemoData(db)
  } finally {
    await db.destroy()
  }
  project.provide('templateDatabase', template)
  // Fewer server connections than a file's pool (20), so transactions really change hands.
  const pooler = testPooler() === 'pgbouncer' ? await startPgBouncer(serverUrl, { poolSize: 8 }) : null
  project.provide('poolerUrl', pooler ? pooler.urlFor('postgres') : null)
  return async () => {
    await pooler?.stop()
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`)
  }
}

/**
 * A new embedded database spends about 2.5 s in PGlite's initdb and 1 s more migrating and
 * seeding; loading a dumped one takes about 1 s. So the migrated, seeded database is dumped once
 * here, and each test file starts from its own copy.
 */
async function dumpEmbeddedTemplate(): Promise<{ path: string; remove: () => void }> {
  const pglite = await openPGlite(undefined)
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
  const dir = mkdtempSync(join(tmpdir(), 'comptoir-template-'))
  const path = join(dir, 'pgdata.tar')
  try {
    await migrateToLatest(db)
    await seedDemoData(db)
    const dump = await pglite.dumpDataDir('none')
    writeFileSync(path, Buffer.from(await dump.arrayBuffer()))
  } finally {
    await db.destroy()
  }
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** TEST_POOLER=pgbouncer runs each file's application pool through PgBouncer in transaction mode. */
function testPooler(): 'pgbouncer' | null {
  const pooler = process.env.TEST_POOLER
  if (!pooler) return null
  if (pooler !== 'pgbouncer') throw new Error(`TEST_POOLER must be pgbouncer or unset; got ${JSON.stringify(pooler)}`)
  return pooler
}

export async function adminQuery(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}
