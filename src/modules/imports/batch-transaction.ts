import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import { type BatchOutcome, type BatchSettings, emptyOutcome } from './batch-outcome.js'

/** Thrown at the end of a dry run's transaction so that it rolls back, carrying what it would have done. */
class DryRunRollback extends Error {
  constructor(readonly outcome: BatchOutcome) {
    super('dry run')
  }
}

/**
 * Writes one batch in one transaction. A dry run writes it for real and rolls back, so its
 * counts and refusals are the database's own, and nothing stays.
 */
export async function inBatchTransaction<T>(
  db: Db,
  items: readonly T[],
  settings: BatchSettings,
  write: (trx: Trx, items: readonly T[], settings: BatchSettings) => Promise<BatchOutcome>,
): Promise<BatchOutcome> {
  if (items.length === 0) return emptyOutcome()
  try {
    return await inTransaction(db, async (trx) => {
      // Every read of a batch looks rows up by key, a thousand keys at a time. During an import the
      // tables grow faster than their statistics, and the planner, pricing a thousand index probes
      // above one pass over what it believes is a small table, chose sequential scans that grew
      // with the table (measured: a third of the database's time on a 100,000-variant import).
      await sql`SET LOCAL enable_seqscan = off`.execute(trx)
      const outcome = await write(trx, items, settings)
      if (settings.dryRun) throw new DryRunRollback(outcome)
      return outcome
    })
  } catch (error) {
    if (error instanceof DryRunRollback) return error.outcome
    throw error
  }
}
