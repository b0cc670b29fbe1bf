import type { Db } from './create-db.js'

export interface BatcherOptions {
  /** Batches sent at once; the others wait for one of them to finish. */
  maxInFlight: number
  maxBatchSize: number
  /**
   * Send the items of a batch that failed as a whole again, each alone, so that only the item at
   * fault fails (one breaking a constraint, say). Only for items that are safe to send twice.
   */
  retryAlone?: boolean
  /**
   * While n batches are in flight, the next one leaves only with at least n + 1 items (or once one
   * of them finishes). For batches that queue for the same rows: each batch pays a round trip, a
   * lock wait and a commit, so a batch of one sent behind others mostly adds those.
   */
  growWhileBusy?: boolean
}

/**
 * Gathers calls into batches: a call goes out at once when fewer than maxInFlight batches are
 * running, and otherwise waits with the others that arrive meanwhile, to go out together as the
 * next batch. Alone, a call waits for nothing; under load, the batches grow by themselves.
 *
 * `runBatch` answers one result per item, in order. When it fails, every call of that batch fails
 * with its error (unless retryAlone); the batches before and after it are not affected.
 */
export function createBatcher<Item, Result>(
  runBatch: (items: readonly Item[]) => Promise<readonly Result[]>,
  options: BatcherOptions,
): (item: Item) => Promise<Result> {
  interface Waiting {
    item: Item
    resolve: (result: Result) => void
    reject: (error: unknown) => void
  }
  const waiting: Waiting[] = []
  let inFlight = 0

  /** The results of a batch, checked: one per item. */
  const run = (batch: readonly Waiting[]) =>
    runBatch(batch.map((each) => each.item)).then((results) => {
      if (results.length !== batch.length) {
        throw new Error(`a batch of ${batch.length} answered ${results.length} results`)
      }
      return results
    })

  /** A batch's slot is handed on before its calls resume: the next batch leaves without waiting for them. */
  const release = () => {
    inFlight--
    sendWaiting()
  }

  const send = (batch: Waiting[]) => {
    inFlight++
    run(batch).then(
      (results) => {
        release()
        for (const [index, each] of batch.entries()) each.resolve(results[index] as Result)
      },
      (error: unknown) => {
        if (!options.retryAlone || batch.length === 1) {
          release()
          for (const each of batch) each.reject(error)
          return
        }
        // The slot stays taken while the items are resent: they are this batch's work.
        Promise.all(
          batch.map((each) =>
            run([each]).then(
              ([result]) => each.resolve(result as Result),
              (alone: unknown) => each.reject(alone),
            ),
          ),
        ).finally(release)
      },
    )
  }

  const sendWaiting = () => {
    while (inFlight < options.maxInFlight && waiting.length > (options.growWhileBusy ? inFlight : 0)) {
      send(waiting.splice(0, options.maxBatchSize))
    }
  }

  return (item) =>
    new Promise<Result>((resolve, reject) => {
      waiting.push({ item, resolve, reject })
      sendWaiting()
    })
}

/**
 * createBatcher for calls that take a database: one batcher per pool, created on first use.
 * Inside a transaction a call joins it, alone: its statement must see, and be undone with, the
 * transaction's other writes.
 */
export function batchedPerDatabase<Item, Result>(
  runBatch: (db: Db, items: readonly Item[]) => Promise<readonly Result[]>,
  options: BatcherOptions,
): (db: Db, item: Item) => Promise<Result> {
  const batchers = new WeakMap<Db, (item: Item) => Promise<Result>>()
  return async (db, item) => {
    if (db.isTransaction) {
      const [result] = await runBatch(db, [item])
      return result as Result
    }
    let batcher = batchers.get(db)
    if (!batcher) {
      batcher = createBatcher((items) => runBatch(db, items), options)
      batchers.set(db, batcher)
    }
    return batcher(item)
  }
}
