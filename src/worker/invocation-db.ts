import { createDb, type Db } from '../db/create-db.js'
import type { WorkerConfig } from './worker-env.js'

/**
 * Workers allow at most six simultaneous connections out per invocation; five leaves one for a
 * fetch to Stripe while a transaction is open.
 */
const CONNECTIONS_PER_INVOCATION = 5

/** Something that outlives the handler's return, as Workers' ExecutionContext does. */
export interface Lifetime {
  waitUntil(promise: Promise<unknown>): void
}

/**
 * A database client for one invocation, closed once it is done. Workers forbid using a socket
 * opened by another request, so no pool is kept between invocations; Hyperdrive keeps the real
 * connections to PostgreSQL warm, which makes this cheap (Cloudflare's documented way with pg).
 */
export async function withInvocationDb<T>(
  config: WorkerConfig,
  lifetime: Lifetime,
  use: (db: Db) => Promise<T>,
): Promise<T> {
  const db = await createDb({ kind: 'postgres', url: config.databaseUrl, poolMax: CONNECTIONS_PER_INVOCATION })
  try {
    return await use(db)
  } finally {
    lifetime.waitUntil(db.destroy())
  }
}
