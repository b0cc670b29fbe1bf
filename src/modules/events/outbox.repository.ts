import { type Selectable, sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { OutboxEventTable } from '../../db/database.js'
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
    .values({ ...outboxRow(event), payload: JSON.stringify(event.payload) })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** The event as the columns of its row. */
export function outboxRow(event: NewOutboxEvent) {
  return {
    type: event.type,
    aggregate_type: event.aggregateType,
    aggregate_id: event.aggregateId,
    payload: event.payload,
  }
}

export type OutboxEventRow = Selectable<OutboxEventTable>

/**
 * Marks the oldest unpublished events as published and returns them, in id order. SKIP LOCKED
 * lets several dispatchers claim disjoint batches; the claim holds until the caller commits.
 */
export async function claimUnpublishedEvents(trx: Trx, limit: number): Promise<OutboxEventRow[]> {
  const rows = await trx
    .updateTable('outbox_event')
    .set({ published_at: sql<Date>`now()` })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox_event')
        .select('id')
        .where('published_at', 'is', null)
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute()
  // RETURNING follows no particular order; ids are bigints carried as strings.
  return rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
}

/**
 * Published events created from `since` on, after the event `afterId`, in id order: a page of
 * the replay after a Redis outage. The BRIN index on created_at keeps it off the whole table.
 */
export function findPublishedEventsSince(
  db: Db,
  since: Date,
  afterId: string,
  limit: number,
): Promise<OutboxEventRow[]> {
  return db
    .selectFrom('outbox_event')
    .selectAll()
    .where('created_at', '>=', since)
    .where('id', '>', afterId)
    .where('published_at', 'is not', null)
    .orderBy('id')
    .limit(limit)
    .execute()
}

/** Events not yet published, and when the oldest of them was recorded (null when none). */
export async function readUnpublishedBacklog(db: Db): Promise<{ count: number; oldestAt: Date | null }> {
  const row = await db
    .selectFrom('outbox_event')
    .where('published_at', 'is', null)
    .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.min('created_at').as('oldest_at')])
    .executeTakeFirstOrThrow()
  return { count: Number(row.count), oldestAt: row.oldest_at === null ? null : new Date(row.oldest_at) }
}
