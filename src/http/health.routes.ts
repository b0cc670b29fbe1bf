import { Hono } from 'hono'
import type { Db } from '../db/create-db.js'
import { isMigrated } from '../db/migrator.js'
import type { Readiness } from './readiness.js'

/** Without `readiness`, the instance never drains (tests and the bench build apps that never shut down). */
export function healthRoutes(db: Db, readiness: Readiness = { draining: false }) {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      if (readiness.draining) return c.json({ status: 'unavailable', reason: 'shutting down' }, 503)
      try {
        // One statement: reading the applied migrations also proves the database answers.
        if (!(await isMigrated(db))) return c.json({ status: 'unavailable', reason: 'migrations pending' }, 503)
        return c.json({ status: 'ok' })
      } catch {
        return c.json({ status: 'unavailable', reason: 'database unreachable' }, 503)
      }
    })
}
