import type { Kysely } from 'kysely'

export interface PoolStats {
  /** Connections lent out to a query or transaction. */
  inUse: number
  /** Callers queued for a connection: the pool is the bottleneck while this stays above zero. */
  waiting: number
}

const sources = new WeakMap<Kysely<never>, () => PoolStats>()

export function registerPoolStats<D>(db: Kysely<D>, read: () => PoolStats): void {
  sources.set(db as unknown as Kysely<never>, read)
}

/** The pool behind a database made by createDb, as of now; null for one made elsewhere. */
export function poolStatsOf<D>(db: Kysely<D>): PoolStats | null {
  return sources.get(db as unknown as Kysely<never>)?.() ?? null
}
