import type { Db } from '../../db/create-db.js'
import type { OrderView } from './order.js'
import { findOrderViews } from './order.service.js'

/** How long one event's order, once read, is shared: the boards it fans out to read it together. */
const SHARE_MS = 1000
const MAX_SHARED = 256

interface Shared {
  at: number
  view: Promise<OrderView | undefined>
}

const sharedByDb = new WeakMap<Db, Map<string, Shared>>()

/**
 * The order an outbox event is about, read once for every screen subscribed to it: twenty boards
 * in a store cost one query per event instead of twenty. Each subscriber still checks its own
 * right to see it; only the read is shared, and only for SHARE_MS.
 */
export function findOrderViewOfEvent(
  db: Db,
  event: { eventId: string; orderId: string },
  now: number = Date.now(),
): Promise<OrderView | undefined> {
  let shared = sharedByDb.get(db)
  if (!shared) {
    shared = new Map()
    sharedByDb.set(db, shared)
  }
  const found = shared.get(event.eventId)
  if (found && now - found.at < SHARE_MS) return found.view
  const view = findOrderViews(db, [event.orderId]).then(([order]) => order)
  shared.set(event.eventId, { at: now, view })
  view.catch(() => shared.delete(event.eventId))
  if (shared.size > MAX_SHARED) {
    const oldest = shared.keys().next().value
    if (oldest !== undefined) shared.delete(oldest)
  }
  return view
}
