import { type Insertable, sql, type Updateable } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { WebhookDeliveryRow, WebhookEndpointRow, WebhookEndpointTable } from '../../db/database.js'
import { PREPARED } from '../../db/prepared.js'
import type { Trx } from '../../db/transaction.js'

export async function insertEndpoint(
  trx: Trx,
  endpoint: Insertable<WebhookEndpointTable>,
): Promise<WebhookEndpointRow> {
  return trx.insertInto('webhook_endpoint').values(endpoint).returningAll().executeTakeFirstOrThrow()
}

export function lockEndpoint(trx: Trx, id: string): Promise<WebhookEndpointRow | undefined> {
  return trx.selectFrom('webhook_endpoint').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export function updateEndpoint(
  db: Db,
  id: string,
  changes: Updateable<WebhookEndpointTable>,
): Promise<WebhookEndpointRow | undefined> {
  return db
    .updateTable('webhook_endpoint')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
}

export async function deleteEndpoint(trx: Trx, id: string): Promise<void> {
  await trx.deleteFrom('webhook_endpoint').where('id', '=', id).execute()
}

export function findEndpointsByIds(db: Db, ids: readonly string[]): Promise<WebhookEndpointRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('webhook_endpoint').selectAll().where('id', 'in', ids).execute()
}

export function listEndpoints(db: Db): Promise<WebhookEndpointRow[]> {
  return db.selectFrom('webhook_endpoint').selectAll().orderBy('created_at').orderBy('id').execute()
}

/**
 * Enabled endpoints subscribed to any of these public events, with what each subscribes to and
 * what sending to it needs, for deliveries handed straight to this process's sender.
 */
export function findSubscribedEndpoints(trx: Trx, types: readonly string[]) {
  return trx
    .selectFrom('webhook_endpoint')
    .select(['id', 'events', 'url', 'secret', 'previous_secret', 'previous_secret_until', 'consecutive_failures'])
    .where('disabled_at', 'is', null)
    .where(sql<boolean>`events && ${sql.val(types)}::text[]`)
    .execute()
}

/** A delivery to queue: leased (attempt 1, claimed_until set) when handed straight to this process's sender. */
export interface NewDelivery {
  endpoint_id: string
  event_id: string
  event_type: string
  body: string
  attempts: number
  claimed_until: Date | null
}

/**
 * Answers the rows written, which is how a leased delivery learns its id. Runs in every outbox
 * claim that has a public event, so it is one prepared statement of fixed text whatever the
 * number of rows, and its parameters are two JSON documents: the messages, each body once however
 * many endpoints receive it, and the rows that name them. JSON.stringify escapes a body natively,
 * where an array parameter escaped it element by element in pg's JavaScript (about a third of
 * this function's time, bench profile).
 */
export async function insertDeliveries(
  trx: Trx,
  rows: readonly NewDelivery[],
): Promise<Pick<WebhookDeliveryRow, 'id' | 'endpoint_id' | 'event_id' | 'attempts'>[]> {
  if (rows.length === 0) return []
  const messages = new Map(
    rows.map((row) => [row.event_id, { event_id: row.event_id, event_type: row.event_type, body: row.body }]),
  )
  const deliveries = rows.map(({ endpoint_id, event_id, attempts, claimed_until }) => ({
    endpoint_id,
    event_id,
    attempts,
    claimed_until,
  }))
  // A batch consumed twice cannot happen (the claim commits with the inserts); the constraint is
  // the proof, and a replayed event is then a no-op rather than a second message.
  const result = await sql<
    Pick<WebhookDeliveryRow, 'id' | 'endpoint_id' | 'event_id' | 'attempts'>
  >`${sql.raw(PREPARED)}
    INSERT INTO webhook_delivery (endpoint_id, event_id, event_type, body, attempts, claimed_until)
    SELECT d.endpoint_id, d.event_id, m.event_type, m.body, d.attempts, d.claimed_until
      FROM json_to_recordset(${JSON.stringify(deliveries)}::json)
             AS d(endpoint_id uuid, event_id bigint, attempts integer, claimed_until timestamptz)
      JOIN json_to_recordset(${JSON.stringify([...messages.values()])}::json)
             AS m(event_id bigint, event_type text, body text) USING (event_id)
    ON CONFLICT (endpoint_id, event_id) DO NOTHING
    RETURNING id, endpoint_id, event_id::text AS event_id, attempts`.execute(trx)
  return result.rows
}

/**
 * Leases up to `perEndpoint` due deliveries of each enabled endpoint outside `busy`, for up to
 * `limit` endpoints that have any: a slow endpoint holds its own slot and queue, never the
 * others', and a fast one is sent a handful at a time rather than one round trip per message.
 * SKIP LOCKED inside the per-endpoint lookup lets senders on other instances take other rows; the
 * lease, not the row lock, keeps the rows theirs once this commits. One statement, so it needs no
 * transaction of its own, and it answers what the sends need of the endpoint too.
 */
export async function claimDueDeliveries(
  db: Db,
  claim: { now: Date; leaseUntil: Date; busy: readonly string[]; limit: number; perEndpoint: number },
): Promise<ClaimedRow[]> {
  const busy = sql.val(claim.busy)
  const result = await sql<ClaimedRow>`
    UPDATE webhook_delivery AS d
       SET claimed_until = ${claim.leaseUntil}, attempts = d.attempts + 1
      FROM (
        SELECT next.id, e.url, e.secret, e.previous_secret, e.previous_secret_until, e.consecutive_failures
          FROM (
            SELECT e.id, e.url, e.secret, e.previous_secret, e.previous_secret_until, e.consecutive_failures
              FROM webhook_endpoint e
             WHERE e.disabled_at IS NULL AND NOT (e.id = ANY(${busy}::uuid[]))
               AND EXISTS (
                 SELECT 1 FROM webhook_delivery w
                  WHERE w.endpoint_id = e.id AND w.status = 'PENDING' AND w.next_attempt_at <= ${claim.now}
                    AND (w.claimed_until IS NULL OR w.claimed_until <= ${claim.now}))
             LIMIT ${claim.limit}
          ) e
          CROSS JOIN LATERAL (
            SELECT w.id FROM webhook_delivery w
             WHERE w.endpoint_id = e.id AND w.status = 'PENDING' AND w.next_attempt_at <= ${claim.now}
               AND (w.claimed_until IS NULL OR w.claimed_until <= ${claim.now})
             ORDER BY w.next_attempt_at, w.event_id
             LIMIT ${claim.perEndpoint}
             FOR UPDATE SKIP LOCKED
          ) next
      ) picked
     WHERE d.id = picked.id
    RETURNING d.*, picked.url, picked.secret, picked.previous_secret, picked.previous_secret_until,
              picked.consecutive_failures`.execute(db)
  return result.rows
}

export type ClaimedRow = WebhookDeliveryRow &
  Pick<WebhookEndpointRow, 'url' | 'secret' | 'previous_secret' | 'previous_secret_until' | 'consecutive_failures'>

export interface AttemptLog {
  at: Date
  statusCode: number | null
  responseExcerpt: string | null
  durationMs: number
  error: string | null
}

/**
 * Records a failed attempt's outcome (successes go in batches). `attempts` fences the write: a sender whose lease ran out, and
 * whose row was claimed again since, changes nothing. Answers whether the write took.
 */
export async function recordAttempt(
  db: Db,
  claim: Pick<WebhookDeliveryRow, 'id' | 'attempts'>,
  outcome: { status: 'PENDING' | 'FAILED'; nextAttemptAt: Date | null; log: AttemptLog },
): Promise<boolean> {
  const { log } = outcome
  const updated = await db
    .updateTable('webhook_delivery')
    .set({
      status: outcome.status,
      claimed_until: null,
      last_attempt_at: log.at,
      last_status_code: log.statusCode,
      last_response_excerpt: log.responseExcerpt,
      last_duration_ms: log.durationMs,
      last_error: log.error,
      ...(outcome.nextAttemptAt ? { next_attempt_at: outcome.nextAttemptAt } : {}),
    })
    .where('id', '=', claim.id)
    .where('status', '=', 'PENDING')
    .where('attempts', '=', claim.attempts)
    .executeTakeFirst()
  return updated.numUpdatedRows > 0n
}

/**
 * Records the successes of one endpoint's batch in one statement, each fenced by its `attempts`
 * as recordAttempt fences one. Answers how many writes took.
 */
export async function recordDeliveredBatch(
  db: Db,
  delivered: readonly { claim: Pick<WebhookDeliveryRow, 'id' | 'attempts'>; log: AttemptLog }[],
): Promise<number> {
  if (delivered.length === 0) return 0
  const rows = delivered.map(({ claim, log }) => ({
    id: claim.id,
    attempts: claim.attempts,
    at: log.at.toISOString(),
    status_code: log.statusCode,
    excerpt: log.responseExcerpt,
    duration_ms: log.durationMs,
  }))
  const result = await sql`
    UPDATE webhook_delivery AS d
       SET status = 'DELIVERED', claimed_until = NULL, last_attempt_at = v.at, delivered_at = v.at,
           last_status_code = v.status_code, last_response_excerpt = v.excerpt,
           last_duration_ms = v.duration_ms, last_error = NULL
      FROM json_to_recordset(${JSON.stringify(rows)}::json)
        AS v(id uuid, attempts int, at timestamptz, status_code int, excerpt text, duration_ms int)
     WHERE d.id = v.id AND d.status = 'PENDING' AND d.attempts = v.attempts`.execute(db)
  return Number(result.numAffectedRows ?? 0n)
}

/** A success ends the endpoint's run of failures. */
export async function clearEndpointFailures(db: Db, endpointId: string): Promise<void> {
  await db
    .updateTable('webhook_endpoint')
    .set({ consecutive_failures: 0, failing_since: null })
    .where('id', '=', endpointId)
    .where('consecutive_failures', '>', 0)
    .execute()
}

/** Counts one more failure in a row; answers the run so far. */
export function countEndpointFailure(trx: Trx, endpointId: string, now: Date) {
  return trx
    .updateTable('webhook_endpoint')
    .set({
      consecutive_failures: sql`consecutive_failures + 1`,
      failing_since: sql`coalesce(failing_since, ${now})`,
    })
    .where('id', '=', endpointId)
    .returning(['consecutive_failures', 'failing_since', 'disabled_at'])
    .executeTakeFirst()
}

export async function disableEndpoint(trx: Trx, endpointId: string, now: Date, reason: string): Promise<void> {
  await trx
    .updateTable('webhook_endpoint')
    .set({ disabled_at: now, disabled_reason: reason, updated_at: now })
    .where('id', '=', endpointId)
    .where('disabled_at', 'is', null)
    .execute()
}

export function findDeliveriesByIds(db: Db, ids: readonly string[]): Promise<WebhookDeliveryRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('webhook_delivery').selectAll().where('id', 'in', ids).execute()
}

/** An endpoint's deliveries, newest event first, after the event `beforeEventId` when given. */
export function findDeliveryPage(
  db: Db,
  page: { endpointId: string; beforeEventId: string | null; limit: number },
): Promise<WebhookDeliveryRow[]> {
  let query = db.selectFrom('webhook_delivery').selectAll().where('endpoint_id', '=', page.endpointId)
  if (page.beforeEventId !== null) query = query.where('event_id', '<', page.beforeEventId)
  return query.orderBy('event_id', 'desc').limit(page.limit).execute()
}

/** A delivery, locked until the transaction ends: a replay decides on it and changes it. */
export function lockDelivery(trx: Trx, id: string): Promise<WebhookDeliveryRow | undefined> {
  return trx.selectFrom('webhook_delivery').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

/** Queues a delivered or failed delivery once more, from its first attempt. */
export function requeueDelivery(trx: Trx, id: string, now: Date): Promise<WebhookDeliveryRow> {
  return trx
    .updateTable('webhook_delivery')
    .set({ status: 'PENDING', attempts: 0, next_attempt_at: now, claimed_until: null })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Deletes the customer.created messages about a customer: their bodies hold the email and name. */
export async function deleteCustomerMessages(trx: Trx, customerId: string): Promise<void> {
  await trx
    .deleteFrom('webhook_delivery')
    .where('event_type', '=', 'customer.created')
    .where(sql<string>`(body::jsonb -> 'data' ->> 'customerId')`, '=', customerId)
    .execute()
}

/** Deliveries still to send, for /metrics and the bench. */
export async function countPendingDeliveries(db: Db): Promise<number> {
  const row = await db
    .selectFrom('webhook_delivery')
    .where('status', '=', 'PENDING')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow()
  return Number(row.count)
}
