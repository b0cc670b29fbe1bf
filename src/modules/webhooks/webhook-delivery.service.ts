import type { Db } from '../../db/create-db.js'
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import * as webhookRepository from './webhook.repository.js'

export type { AttemptLog } from './webhook.repository.js'

export interface WebhookRetryPolicy {
  /** A delivery still failing after this many attempts is FAILED (a replay can queue it again). */
  maxAttempts: number
  /** Wait before the second attempt, doubled for each further one up to maxDelayMs, then jittered. */
  firstDelayMs: number
  maxDelayMs: number
  /** An endpoint is disabled after this many failed attempts in a row… */
  disableAfterFailures: number
  /** …once that run of failures has lasted this long: a short outage with much traffic is not enough. */
  disableAfterMs: number
}

/** About 4 h of retries per message; an endpoint failing everything for a day is switched off. */
export const DEFAULT_WEBHOOK_RETRY_POLICY: WebhookRetryPolicy = {
  maxAttempts: 8,
  firstDelayMs: 30_000,
  maxDelayMs: 3_600_000,
  disableAfterFailures: 20,
  disableAfterMs: 24 * 3_600_000,
}

export type ClaimedEndpoint = Pick<
  WebhookEndpointRow,
  'id' | 'url' | 'secret' | 'previous_secret' | 'previous_secret_until' | 'consecutive_failures'
>

/** What sending a delivery and recording its outcome need of it. */
export type OutgoingDelivery = Pick<WebhookDeliveryRow, 'id' | 'endpoint_id' | 'event_id' | 'attempts' | 'body'>

export interface ClaimedBatch {
  endpoint: ClaimedEndpoint
  deliveries: OutgoingDelivery[]
}

/**
 * Leases up to `perEndpoint` due deliveries of each of up to `limit` endpoints outside `busy`,
 * grouped by endpoint. A batch is sent at once, so receivers see no order within it (nor across
 * retries): each message carries its event's timestamp for that.
 */
export async function claimDueDeliveries(
  db: Db,
  claim: { now: Date; leaseMs: number; busy: readonly string[]; limit: number; perEndpoint: number },
): Promise<ClaimedBatch[]> {
  const rows = await webhookRepository.claimDueDeliveries(db, {
    now: claim.now,
    leaseUntil: new Date(claim.now.getTime() + claim.leaseMs),
    busy: claim.busy,
    limit: claim.limit,
    perEndpoint: claim.perEndpoint,
  })
  const batches = new Map<string, ClaimedBatch>()
  for (const { url, secret, previous_secret, previous_secret_until, consecutive_failures, ...delivery } of rows) {
    const batch = batches.get(delivery.endpoint_id) ?? {
      endpoint: { id: delivery.endpoint_id, url, secret, previous_secret, previous_secret_until, consecutive_failures },
      deliveries: [],
    }
    batch.deliveries.push(delivery)
    batches.set(delivery.endpoint_id, batch)
  }
  return [...batches.values()]
}

/**
 * The successes of one endpoint's batch, in one write; they end the endpoint's run of failures,
 * if it had one when the batch was claimed.
 */
export async function recordDelivered(
  db: Db,
  endpoint: ClaimedEndpoint,
  delivered: readonly { delivery: OutgoingDelivery; log: webhookRepository.AttemptLog }[],
): Promise<void> {
  const recorded = await webhookRepository.recordDeliveredBatch(
    db,
    delivered.map(({ delivery, log }) => ({ claim: delivery, log })),
  )
  if (recorded > 0 && endpoint.consecutive_failures > 0) await webhookRepository.clearEndpointFailures(db, endpoint.id)
}

export type FailureOutcome = { delivery: 'RETRYING' | 'FAILED'; endpointDisabled: string | null }

/**
 * A failed attempt: the delivery waits longer each time, with jitter so that the messages of an
 * endpoint that came back do not all return at once, and is FAILED after the policy's last
 * attempt. The endpoint's run of failures grows in the same transaction and, past the policy's
 * limits, disables it with the reason.
 */
export function recordFailedAttempt(
  db: Db,
  delivery: OutgoingDelivery,
  log: webhookRepository.AttemptLog,
  context: { policy: WebhookRetryPolicy; random?: () => number },
): Promise<FailureOutcome> {
  const { policy } = context
  const failed = delivery.attempts >= policy.maxAttempts
  const backoffMs = Math.min(policy.firstDelayMs * 2 ** (delivery.attempts - 1), policy.maxDelayMs)
  const delayMs = Math.round(backoffMs * (0.5 + 0.5 * (context.random ?? Math.random)()))
  return inTransaction(db, async (trx) => {
    const recorded = await webhookRepository.recordAttempt(trx, delivery, {
      status: failed ? 'FAILED' : 'PENDING',
      nextAttemptAt: failed ? null : new Date(log.at.getTime() + delayMs),
      log,
    })
    const outcome: FailureOutcome = { delivery: failed ? 'FAILED' : 'RETRYING', endpointDisabled: null }
    if (!recorded) return outcome
    const run = await webhookRepository.countEndpointFailure(trx, delivery.endpoint_id, log.at)
    if (!run || run.disabled_at !== null || run.failing_since === null) return outcome
    const since = new Date(run.failing_since)
    if (run.consecutive_failures < policy.disableAfterFailures) return outcome
    if (log.at.getTime() - since.getTime() < policy.disableAfterMs) return outcome
    const reason = `${run.consecutive_failures} failed attempts in a row since ${since.toISOString()}; last: ${log.error ?? `HTTP ${log.statusCode}`}`
    await webhookRepository.disableEndpoint(trx, delivery.endpoint_id, log.at, reason.slice(0, 500))
    return { ...outcome, endpointDisabled: reason }
  })
}

/**
 * An erased customer's personal data leaves the delivery log too, in the erasure's transaction:
 * their customer.created messages, sent or not, are deleted (order messages name no email).
 */
export function forgetCustomerMessages(trx: Trx, customerId: string): Promise<void> {
  return webhookRepository.deleteCustomerMessages(trx, customerId)
}

/** Deliveries still to send. */
export function webhookBacklog(db: Db): Promise<number> {
  return webhookRepository.countPendingDeliveries(db)
}
