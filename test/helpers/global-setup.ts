import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { createDb } from '../../src/db/create-db.js'
import { migrateToLatest } from '../../src/db/migrator.js'
import { seedDemoData } from '../../src/seed/seed.js'
import { testServerUrl, withDatabase } from './database-url.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated, seeded database each test file copies (PostgreSQL only). */
    templateDatabase: string | null
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
    return
  }
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
  return async () => {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`)
  }
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
