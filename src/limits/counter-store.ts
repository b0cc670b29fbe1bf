import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import { CompiledQuery } from 'kysely'
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
} from 'rate-limiter-flexible'
import type { Db } from '../db/create-db.js'

/**
 * Where counters live. Attempt counters must be shared by every instance (a guesser would
 * otherwise get five tries per instance): the database, or Redis when there is one. The request
 * budget is checked on every request, so it never costs a database round trip: memory, or Redis.
 */
export type CounterStore = { kind: 'database'; db: Db } | { kind: 'redis'; redis: Redis } | { kind: 'memory' }

export interface CounterRule {
  /** Names the counter in the store and in the refusal metric. */
  name: string
  points: number
  durationSeconds: number
  /** Once spent, refuse for this long rather than until the window ends; 0: until the window ends. */
  blockSeconds?: number
}

/** The table migration 20261204000013 creates, in the shape rate-limiter-flexible reads and writes. */
export const ATTEMPT_COUNTER_TABLE = 'attempt_counter'

export function createCounter(store: CounterStore, rule: CounterRule): RateLimiterAbstract {
  const options = {
    keyPrefix: rule.name,
    points: rule.points,
    duration: rule.durationSeconds,
    blockDuration: rule.blockSeconds ?? 0,
  }
  switch (store.kind) {
    case 'memory':
      return new RateLimiterMemory(options)
    case 'redis':
      // While Redis is unreachable each process counts on its own, rather than failing every
      // sign-in or letting every guess through.
      return new RateLimiterRedis({
        ...options,
        storeClient: store.redis,
        useRedisPackage: false,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(options),
      })
    case 'database':
      return new RateLimiterPostgres({
        ...options,
        storeClient: kyselyQueryClient(store.db),
        storeType: 'client',
        tableName: ATTEMPT_COUNTER_TABLE,
        tableCreated: true,
        // Expired rows are pruned by one scheduled job (attempt-counter-cleanup.job.ts), not by a
        // timer per limiter in every process.
        clearExpiredByTimeout: false,
      })
  }
}

/**
 * Keys are hashed: an email plus an IPv6 address can outgrow the key column, may carry
 * characters PostgreSQL refuses (NUL), and the counters then hold no personal data.
 */
export function counterKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url')
}

/**
 * The `query({ text, values })` that rate-limiter-flexible sends a pg client, run through the
 * application's own Kysely instance: the same pool (or the embedded PGlite), the same test
 * database, no second set of connections.
 */
function kyselyQueryClient(db: Db) {
  return {
    query: (query: { text: string; values?: unknown[] }) =>
      db.executeQuery(CompiledQuery.raw(query.text, query.values ?? [])),
  }
}
