import { Hono } from 'hono'
import { sql } from 'kysely'
import type { Db } from '../db/create-db.js'
import { isMigrated } from '../db/migrator.js'

export function healthRoutes(db: Db) {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      try {
        await sql`SELECT 1`.execute(db)
        if (!(await isMigrated(db))) return c.json({ status: 'unavailable', reason: 'migrations pending' }, 503)
        return c.json({ status: 'ok' })
      } catch {
        return c.json({ status: 'unavailable', reason: 'database unreachable' }, 503)
      }
    })
}
