import { Transaction } from 'kysely'
import type { Db } from '../../db/create-db.js'

const queues = new WeakMap<Db, Map<string, Promise<unknown>>>()

/**
 * Runs the writes to one cart one after another within this process. Sent together (two devices
 * of one shopper, a button pressed twice), they would each read the cart and all but one lose the
 * race at the write, to be tried again under the cart's lock; queued here, each reads what the
 * previous one wrote and lands at once. Other processes are kept apart by the version check all
 * the same. A null key (a guest's new cart) and a caller's own transaction are not queued.
 */
export function inCartQueue<T>(db: Db, key: string | null, work: () => Promise<T>): Promise<T> {
  if (key === null || db instanceof Transaction) return work()
  let byKey = queues.get(db)
  if (!byKey) {
    byKey = new Map()
    queues.set(db, byKey)
  }
  const run = (byKey.get(key) ?? Promise.resolve()).then(work)
  const settled = run.then(
    () => undefined,
    () => undefined,
  )
  byKey.set(key, settled)
  void settled.then(() => {
    if (byKey.get(key) === settled) byKey.delete(key)
  })
  return run
}
