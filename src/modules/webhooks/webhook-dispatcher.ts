import type { Db } from '../../db/create-db.js'
import type { WebhookDeliveryRow } from '../../db/database.js'
import type { Logger } from '../../logger.js'
import { createRunLoop } from '../events/run-loop.js'
import {
  type AttemptLog,
  type ClaimedEndpoint,
  claimDueDeliveries,
  DEFAULT_WEBHOOK_RETRY_POLICY,
  recordDelivered,
  recordFailedAttempt,
  type WebhookRetryPolicy,
} from './webhook-delivery.service.js'
import { sendWebhook } from './webhook-http.js'

export interface WebhookDispatcherOptions {
  db: Db
  logger: Logger
  now?: () => Date
  /** How often to look for retries that fell due and for deliveries another instance queued. */
  pollIntervalMs?: number
  /** A receiver answering later than this has failed the attempt. */
  timeoutMs?: number
  /** Sends in flight at once in this process, each to a different endpoint. */
  concurrency?: number
  retry?: WebhookRetryPolicy
  random?: () => number
  /** Why this URL may not be called now (production's DNS check on Node), or null. */
  checkTarget?: (url: URL) => Promise<string | null>
  fetch?: typeof fetch
}

export type WebhookOutcome = 'delivered' | 'retrying' | 'failed'
export type WebhookDispatchResult = Record<WebhookOutcome, number>

export interface WebhookDispatcher {
  /** Keeps sending in the background: claims whenever a slot frees up, woken, or every poll. */
  start(): void
  /** No new claims; the sends in flight finish (each within the timeout). */
  stop(): Promise<void>
  wake(): void
  /** One bounded pass that waits for its sends: the Workers' cron tick, and the tests. */
  dispatchOnce(): Promise<WebhookDispatchResult>
}

/** A pass stops claiming after this many sends and leaves the rest to the next one. */
const MAX_PER_PASS = 200

/**
 * Sends queued deliveries: claim (a short transaction: lease and attempt), POST outside any
 * transaction, record the outcome (another short one). Each endpoint has at most one send in
 * flight per process, and the process at most `concurrency`: a slow endpoint holds one slot and
 * delays only its own queue, and a freed slot is claimed again at once instead of waiting for the
 * slowest send of a round. A sender that dies mid-send leaves the row leased; once the lease
 * ends, another sends it again under the same webhook-id, which receivers deduplicate on.
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { db, logger } = options
  const clock = options.now ?? (() => new Date())
  const timeoutMs = options.timeoutMs ?? 10_000
  const concurrency = options.concurrency ?? 8
  const policy = options.retry ?? DEFAULT_WEBHOOK_RETRY_POLICY
  // Well above a send's timeout, so a live sender never loses its row to another.
  const leaseMs = timeoutMs * 3 + 30_000
  const inFlight = new Map<string, Promise<WebhookOutcome>>()
  let tally: WebhookDispatchResult = { delivered: 0, retrying: 0, failed: 0 }
  let background = false

  async function launch(): Promise<number> {
    const free = concurrency - inFlight.size
    if (free <= 0) return 0
    const claimed = await claimDueDeliveries(db, { now: clock(), leaseMs, busy: [...inFlight.keys()], limit: free })
    for (const { delivery, endpoint } of claimed) {
      const send = deliver(delivery, endpoint)
        .catch((error: unknown) => {
          // The outcome could not be recorded: the lease runs out and the row is sent again.
          logger.error({ err: error, deliveryId: delivery.id }, 'webhook outcome not recorded')
          return 'retrying' as const
        })
        .then((outcome) => {
          inFlight.delete(endpoint.id)
          tally[outcome]++
          if (background) loop.wake()
          return outcome
        })
      inFlight.set(endpoint.id, send)
    }
    return claimed.length
  }

  async function deliver(delivery: WebhookDeliveryRow, endpoint: ClaimedEndpoint): Promise<WebhookOutcome> {
    if (delivery.attempts > policy.maxAttempts) {
      // Claimed again and again without an outcome: the sender keeps dying on this one.
      const log = { at: clock(), statusCode: null, responseExcerpt: null, durationMs: 0, error: 'no outcome recorded' }
      return failure(delivery, endpoint, log)
    }
    const refusal = options.checkTarget ? await options.checkTarget(new URL(endpoint.url)) : null
    const log: AttemptLog = refusal
      ? { at: clock(), statusCode: null, responseExcerpt: null, durationMs: 0, error: refusal }
      : await sendWebhook(endpoint, delivery, { at: clock(), timeoutMs, fetch: options.fetch })
    if (log.error === null) {
      await recordDelivered(db, { delivery, endpoint }, log)
      return 'delivered'
    }
    return failure(delivery, endpoint, log)
  }

  async function failure(delivery: WebhookDeliveryRow, endpoint: ClaimedEndpoint, log: AttemptLog) {
    const outcome = await recordFailedAttempt(db, delivery, log, { policy, random: options.random })
    const context = { deliveryId: delivery.id, endpointId: endpoint.id, attempts: delivery.attempts, error: log.error }
    if (outcome.endpointDisabled)
      logger.error({ ...context, reason: outcome.endpointDisabled }, 'webhook endpoint disabled')
    else if (outcome.delivery === 'FAILED') logger.error(context, 'webhook delivery given up')
    else logger.warn(context, 'webhook delivery failed; will retry')
    return outcome.delivery === 'FAILED' ? 'failed' : 'retrying'
  }

  const loop = createRunLoop({
    name: 'webhook dispatch',
    run: launch,
    logger,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    report: () => {},
  })

  return {
    start() {
      background = true
      loop.start()
    },
    async stop() {
      background = false
      await loop.stop()
      await Promise.allSettled(inFlight.values())
    },
    wake: () => loop.wake(),
    async dispatchOnce() {
      tally = { delivered: 0, retrying: 0, failed: 0 }
      let launched = 0
      while (launched < MAX_PER_PASS) {
        launched += await launch()
        if (inFlight.size === 0) break
        // A freed slot is claimed again at once: the fast endpoints go on while a slow one answers.
        await Promise.race(inFlight.values())
      }
      await Promise.allSettled(inFlight.values())
      return tally
    },
  }
}
