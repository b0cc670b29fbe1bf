import type { Trx } from '../../db/transaction.js'
import { insertOutboxEvent, type NewOutboxEvent } from './outbox.repository.js'

/**
 * Records a domain event in the caller's transaction: it exists exactly when the change it
 * describes commits. Payloads carry ids, not documents; subscribers refetch.
 */
export function recordEvent(trx: Trx, event: NewOutboxEvent): Promise<string> {
  return insertOutboxEvent(trx, event)
}
