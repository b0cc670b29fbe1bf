import type { Db } from '../../db/create-db.js'
import type { Trx } from '../../db/transaction.js'

export type { NewOutboxEvent } from './outbox.repository.js'

import { insertOutboxEvent, type NewOutboxEvent, outboxRow, readUnpublishedBacklog } from './outbox.repository.js'

/**
 * Records a domain event in the caller's transaction: it exists exactly when the change it
 * describes commits. Payloads carry ids, not documents; subscribers refetch.
 */
export function recordEvent(trx: Trx, event: NewOutboxEvent): Promise<string> {
  return insertOutboxEvent(trx, event)
}

/** The same event as the columns of its row, for a statement that writes it among others. */
export function eventRow(event: NewOutboxEvent) {
  return outboxRow(event)
}

/** The outbox's backlog for /metrics: events not yet published, and the oldest one's time. */
export function outboxBacklog(db: Db) {
  return readUnpublishedBacklog(db)
}
