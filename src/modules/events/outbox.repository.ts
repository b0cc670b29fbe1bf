import type { Trx } from '../../db/transaction.js'

export interface NewOutboxEvent {
  type: string
  aggregateType: string
  aggregateId: string
  payload: Record<string, unknown>
}

export async function insertOutboxEvent(trx: Trx, event: NewOutboxEvent): Promise<string> {
  const row = await trx
    .insertInto('outbox_event')
    .values({
      type: event.type,
      aggregate_type: event.aggregateType,
      aggregate_id: event.aggregateId,
      payload: JSON.stringify(event.payload),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}
