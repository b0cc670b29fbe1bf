import type { Config } from '../../config.js'
import type { Trx } from '../../db/transaction.js'
import type { Job } from '../../jobs/job.js'
import type { IdleCartKind } from './cart-cleanup.repository.js'
import * as cartCleanupRepository from './cart-cleanup.repository.js'

const HOUR_MS = 60 * 60_000
/** Per rule and run: a backlog drains over a few runs instead of one long transaction. */
const DEFAULT_BATCH_SIZE = 1000
/** Hand-off codes are deleted a day after they expire. */
const HANDOFF_GRACE_MS = 24 * HOUR_MS

/**
 * Forgets idle carts: empty ones after hours, anonymous ones after weeks, a customer's after
 * months (ACTIVE or MERGED only; a CHECKED_OUT cart stays with its order). Lines, tokens and
 * hand-off codes go with the cart; cart_event rows stay for analytics.
 */
export function cartCleanupJob(lifetimes: Config['carts'], options: { batchSize?: number } = {}): Job {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
  return {
    name: 'cart-cleanup',
    intervalMs: 15 * 60_000,
    async run(trx, now) {
      const ago = (ms: number) => new Date(now.getTime() - ms)
      const details = {
        emptyCarts: await deleteIdleCarts(trx, 'empty', ago(lifetimes.emptyTtlHours * HOUR_MS), batchSize),
        anonymousCarts: await deleteIdleCarts(
          trx,
          'anonymous',
          ago(lifetimes.anonymousTtlDays * 24 * HOUR_MS),
          batchSize,
        ),
        customerCarts: await deleteIdleCarts(trx, 'customer', ago(lifetimes.customerTtlDays * 24 * HOUR_MS), batchSize),
        expiredHandoffs: await cartCleanupRepository.deleteExpiredHandoffs(trx, ago(HANDOFF_GRACE_MS), batchSize),
      }
      const affected = Object.values(details).reduce((sum, count) => sum + count, 0)
      return { affected, details }
    },
  }
}

async function deleteIdleCarts(trx: Trx, kind: IdleCartKind, idleBefore: Date, limit: number): Promise<number> {
  const cartIds = await cartCleanupRepository.lockIdleCartIds(trx, kind, idleBefore, limit)
  await cartCleanupRepository.detachMergedCarts(trx, cartIds)
  return cartCleanupRepository.deleteCarts(trx, cartIds)
}
