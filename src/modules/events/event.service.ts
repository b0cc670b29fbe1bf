import type { Trx } from '../../db/transaction.js'

export type { NewOutboxEvent } from './outbox.repository.js'

import { insertOutboxEvent, type NewOutboxEvent, outboxInsert, outboxRow } from './outbox.repository.js'

/**
 * Records a domain event in the caller's transaction: it exists exactly when the change it
 * describes commits. Payloads carry ids, not documents; subscribers refetch.
 */
export function recordEvent(trx: Trx, event: NewOutboxEvent): Promise<string> {
  return insertOutboxEvent(trx, event)
}

/**
 * The same event as an INSERT not yet run, for a hot path that writes its change and its event
 * in one statement (see sql-batch); it commits with that statement's transaction all the same.
 */
export function eventInsert(trx: Trx, event: NewOutboxEvent) {
  return outboxInsert(trx, event)
}

/** The same event as the columns of its row, for a statement that writes it among others. */
export function eventRow(event: NewOutboxEvent) {
  return outboxRow(event)
}
