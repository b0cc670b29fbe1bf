import type { Db } from '../../db/create-db.js'
import type { OrderView } from './order.js'
import { findOrderViews } from './order.service.js'

/** How long one event's order, once read, is shared: the boards it fans out to read it together. */
const SHARE_MS = 1000
const MAX_SHARED = 256
/** Orders read in one statement at most: a backlog is read in pages, one after the other. */
const MAX_BATCH = 200

interface Shared {
  at: number
  view: Promise<OrderView | undefined>
}

interface Waiting {
  orderId: string
  resolve(view: OrderView | undefined): void
  reject(reason: unknown): void
}

interface Reader {
  shared: Map<string, Shared>
  /** Events asked for while no read was running or while one ran: the next read takes them all. */
  waiting: Waiting[]
  running: boolean
}

const readers = new WeakMap<Db, Reader>()

/**
 * The order an outbox event is about, read once for every screen subscribed to it: twenty boards
 * in a store cost one read per event instead of twenty. The events of a burst are read together:
 * those asked for in the same turn of the event loop, or while the previous read ran, go in the
 * next read (one at a time per instance), so ten checkouts landing at once cost one or two reads,
 * not ten. Each subscriber still checks its own right to see the order; only the read is shared,
 * and only for SHARE_MS.
 */
export function findOrderViewOfEvent(
  db: Db,
  event: { eventId: string; orderId: string },
  now: number = Date.now(),
): Promise<OrderView | undefined> {
  const reader = readerOf(db)
  const { shared } = reader
  const found = shared.get(event.eventId)
  if (found && now - found.at < SHARE_MS) return found.view
  const view = new Promise<OrderView | undefined>((resolve, reject) => {
    reader.waiting.push({ orderId: event.orderId, resolve, reject })
  })
  if (!reader.running) {
    reader.running = true
    setImmediate(() => void readWaiting(db, reader))
  }
  shared.set(event.eventId, { at: now, view })
  view.catch(() => shared.delete(event.eventId))
  if (shared.size > MAX_SHARED) {
    const oldest = shared.keys().next().value
    if (oldest !== undefined) shared.delete(oldest)
  }
  return view
}

function readerOf(db: Db): Reader {
  let reader = readers.get(db)
  if (!reader) {
    reader = { shared: new Map(), waiting: [], running: false }
    readers.set(db, reader)
  }
  return reader
}

/** Reads what waits, then what came meanwhile, until nothing does. */
async function readWaiting(db: Db, reader: Reader): Promise<void> {
  while (reader.waiting.length > 0) {
    const batch = reader.waiting.splice(0, MAX_BATCH)
    try {
      const views = await findOrderViews(db, [...new Set(batch.map((waiting) => waiting.orderId))])
      const byId = new Map(views.map((view) => [view.id, view]))
      for (const waiting of batch) waiting.resolve(byId.get(waiting.orderId))
    } catch (error) {
      for (const waiting of batch) waiting.reject(error)
    }
  }
  reader.running = false
}
