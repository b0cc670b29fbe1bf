import type { Db } from '../../db/create-db.js'
import type { Logger } from '../../logger.js'
import { createRunLoop } from '../events/run-loop.js'
import {
  type AttemptLog,
  type ClaimedBatch,
  type ClaimedEndpoint,
  claimDueDeliveries,
  DEFAULT_WEBHOOK_RETRY_POLICY,
  type OutgoingDelivery,
  recordDelivered,
  recordFailedAttempt,
  type WebhookRetryPolicy,
} from './webhook-delivery.service.js'
import { fetchTransport } from './webhook-fetch-transport.js'
import { sendWebhook, type WebhookTransport } from './webhook-http.js'
import { UnopenableWebhookSecretError, type WebhookSecretBox } from './webhook-secret-box.js'
import { previousSecretSignsAt } from './webhook-signature.js'

export interface WebhookDispatcherOptions {
  db: Db
  logger: Logger
  now?: () => Date
  /** How often to look for retries that fell due and for deliveries another instance queued. */
  pollIntervalMs?: number
  /** A receiver answering later than this has failed the attempt. */
  timeoutMs?: number
  /** Endpoints being sent to at once in this process. */
  concurrency?: number
  /** Messages claimed for one endpoint at a time: one claim and one write of successes for the lot. */
  perEndpoint?: number
  /** Requests open at once to one endpoint, a receiver's courtesy (the README promises eight). */
  openPerEndpoint?: number
  /**
   * How long a wake waits before claiming, so that the messages of the next checkouts go in the
   * same batch instead of a claim each; a full batch is followed at once.
   */
  lingerMs?: number
  retry?: WebhookRetryPolicy
  random?: () => number
  /** How the POSTs are made: Node's server passes its own (webhook-node-transport.ts); fetch otherwise. */
  transport?: WebhookTransport
  /** Opens the endpoints' sealed signing secrets. */
  secrets: WebhookSecretBox
}

export type WebhookOutcome = 'delivered' | 'retrying' | 'failed'
export type WebhookDispatchResult = Record<WebhookOutcome, number>

/**
 * The way a consumer queuing deliveries gives them to this process's sender without a claim:
 * written already leased to it, they are sent as soon as the queuing commits. That saves a
 * statement and a row version per delivery, and the row's body coming back from the database.
 */
export interface WebhookHandover {
  /** Reserves a send slot for each of these endpoints that is free in this process now, if any. */
  reserve(endpoints: readonly ClaimedEndpoint[]): HandoverSlots | null
}

export interface HandoverSlots {
  /** Endpoints whose new deliveries go to this process: written with attempt 1, leased until leaseUntil. */
  readonly endpoints: ReadonlyMap<string, ClaimedEndpoint>
  readonly leaseUntil: Date
  /** At most this many deliveries per endpoint; the rest are queued for a claim. */
  readonly perEndpoint: number
  /** The queuing committed: sends what was written; a slot given nothing is freed. */
  send(deliveries: readonly OutgoingDelivery[]): void
  /** The queuing was rolled back: nothing to send, every slot is freed. */
  release(): void
}

export interface WebhookDispatcher {
  /** Keeps sending in the background: claims whenever a slot frees up, woken, or every poll. */
  start(): void
  /** No new claims; the sends in flight finish (each within the timeout). */
  stop(): Promise<void>
  /** New messages are queued: a claim within lingerMs. */
  wake(): void
  /** One bounded pass that waits for its sends: the Workers' cron tick, and the tests. */
  dispatchOnce(): Promise<WebhookDispatchResult>
  /** Takes deliveries straight from the outbox's consumer while started (none while stopped). */
  handover: WebhookHandover
}

/** A pass stops claiming after this many sends and leaves the rest to the next one. */
const MAX_PER_PASS = 200

/**
 * Sends queued deliveries: claim a batch per endpoint (one statement: lease and attempt), POST
 * them outside any transaction, at most `openPerEndpoint` open at once, record the successes in one write and each failure in
 * its own short transaction. Each endpoint has at most one batch in flight per process, and the
 * process at most `concurrency` endpoints: a slow endpoint holds one slot and delays only its own
 * queue, and a freed slot is claimed again at once instead of waiting for the slowest batch of a
 * round. Batches keep the database's share of a delivery small, since the sends run in the
 * checkout's process. Deliveries queued by this process's outbox come through `handover` instead
 * of a claim when their endpoint's slot is free. A sender that dies mid-send leaves its rows
 * leased; once the lease ends, another sends them again under the same webhook-id, which
 * receivers deduplicate on.
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { db, logger } = options
  const clock = options.now ?? (() => new Date())
  const timeoutMs = options.timeoutMs ?? 10_000
  const concurrency = options.concurrency ?? 8
  // A claim and a record cost about as much for 32 rows as for 8: claiming 32 halved the
  // database's time per delivery for the two (0.11 → 0.06 ms in pg_stat_statements, bench).
  const perEndpoint = options.perEndpoint ?? 32
  const openPerEndpoint = options.openPerEndpoint ?? 8
  const lingerMs = options.lingerMs ?? 100
  const policy = options.retry ?? DEFAULT_WEBHOOK_RETRY_POLICY
  const transport = options.transport ?? fetchTransport()
  // Well above a batch's sends (its waves of openPerEndpoint, each within the timeout), so a live
  // sender never loses its rows to another.
  const leaseMs = timeoutMs * (Math.ceil(perEndpoint / openPerEndpoint) + 2) + 30_000
  const inFlight = new Map<string, Promise<WebhookOutcome[]>>()
  // A batch handed over while its endpoint's previous one is still being sent: at most one per
  // endpoint, started as that one is recorded (batch null until the handing over commits).
  const waiting = new Map<string, { batch: ClaimedBatch | null; start: (send: Promise<WebhookOutcome[]>) => void }>()
  const held = new Set<Promise<WebhookOutcome[]>>()
  let tally: WebhookDispatchResult = { delivered: 0, retrying: 0, failed: 0 }
  let background = false
  let lingering: NodeJS.Timeout | undefined

  function wakeSoon() {
    if (!background || lingering) return
    lingering = setTimeout(() => {
      lingering = undefined
      loop.wake()
    }, lingerMs)
    lingering.unref()
  }

  async function launch(): Promise<number> {
    const free = concurrency - inFlight.size
    if (free <= 0) return 0
    const claim = { now: clock(), leaseMs, busy: [...inFlight.keys()], limit: free, perEndpoint }
    const batches = await claimDueDeliveries(db, claim)
    for (const batch of batches) startBatch(batch)
    return batches.reduce((sum, batch) => sum + batch.deliveries.length, 0)
  }

  /** Sends a leased batch in the background, holding its endpoint's slot until it is recorded. */
  function startBatch(batch: ClaimedBatch): Promise<WebhookOutcome[]> {
    const send = deliverBatch(batch)
      .catch((error: unknown): WebhookOutcome[] => {
        // Nothing recorded: the leases run out and the rows are sent again.
        logger.error({ err: error, endpointId: batch.endpoint.id }, 'webhook batch not recorded')
        return batch.deliveries.map(() => 'retrying')
      })
      .then((outcomes) => {
        freeSlot(batch.endpoint.id)
        for (const outcome of outcomes) tally[outcome]++
        // A full batch says more are waiting: the endpoint's next batch goes at once.
        if (!background) return outcomes
        if (outcomes.length >= perEndpoint) loop.wake()
        else wakeSoon()
        return outcomes
      })
    inFlight.set(batch.endpoint.id, send)
    return send
  }

  /** An endpoint's batch is done: the one waiting behind it goes at once, or the slot frees. */
  function freeSlot(endpointId: string) {
    const next = waiting.get(endpointId)
    if (next?.batch) {
      waiting.delete(endpointId)
      next.start(startBatch(next.batch))
    } else {
      inFlight.delete(endpointId)
    }
  }

  /**
   * Holds a slot for each endpoint free in this process, as a claim would, until the consumer's
   * transaction ends: a placeholder in inFlight keeps claims off the endpoint and lets stop() wait
   * for the sends. An endpoint being sent to gets a place behind its batch instead, if it has none
   * yet, so that a steady stream of checkouts never waits for a claim; its rows are leased for
   * two batches' time.
   */
  function reserve(endpoints: readonly ClaimedEndpoint[]): HandoverSlots | null {
    if (!background) return null
    const settle = new Map<string, (send: Promise<WebhookOutcome[]>) => void>()
    const granted: ClaimedEndpoint[] = []
    const behind = new Set<string>()
    for (const endpoint of endpoints) {
      if (!inFlight.has(endpoint.id)) {
        if (inFlight.size >= concurrency) continue
        inFlight.set(endpoint.id, new Promise((resolve) => settle.set(endpoint.id, resolve)))
      } else if (!waiting.has(endpoint.id)) {
        const queued = new Promise<WebhookOutcome[]>((resolve) =>
          waiting.set(endpoint.id, { batch: null, start: resolve }),
        )
        held.add(queued)
        void queued.finally(() => held.delete(queued))
        behind.add(endpoint.id)
      } else {
        continue
      }
      granted.push(endpoint)
    }
    if (granted.length === 0) return null
    let ended = false
    const end = (deliveries: readonly OutgoingDelivery[]) => {
      if (ended) return
      ended = true
      for (const endpoint of granted) {
        const mine = deliveries.filter((delivery) => delivery.endpoint_id === endpoint.id)
        const batch = mine.length > 0 ? { endpoint, deliveries: mine } : null
        if (behind.has(endpoint.id)) {
          const place = waiting.get(endpoint.id)
          if (!place) continue
          if (batch && inFlight.has(endpoint.id)) {
            place.batch = batch
          } else {
            waiting.delete(endpoint.id)
            place.start(batch ? startBatch(batch) : Promise.resolve([]))
          }
        } else if (batch) {
          settle.get(endpoint.id)?.(startBatch(batch))
        } else {
          freeSlot(endpoint.id)
          settle.get(endpoint.id)?.(Promise.resolve([]))
        }
      }
    }
    return {
      endpoints: new Map(granted.map((endpoint) => [endpoint.id, endpoint])),
      leaseUntil: new Date(clock().getTime() + (behind.size > 0 ? 2 : 1) * leaseMs),
      perEndpoint,
      send: end,
      release: () => end([]),
    }
  }

  async function deliverBatch({ endpoint, deliveries }: ClaimedBatch): Promise<WebhookOutcome[]> {
    const attempts = await attemptAll(deliveries, endpoint)
    const delivered = deliveries.flatMap((delivery, index) => {
      const log = attempts[index]
      return log && log.error === null ? [{ delivery, log }] : []
    })
    const recorded = await recordDelivered(db, endpoint, delivered).then(
      () => true,
      (error: unknown) => {
        // The outcome could not be recorded: the leases run out and the rows are sent again.
        logger.error(
          { err: error, endpointId: endpoint.id, deliveries: delivered.length },
          'webhook outcome not recorded',
        )
        return false
      },
    )
    return Promise.all(
      deliveries.map(async (delivery, index): Promise<WebhookOutcome> => {
        const log = attempts[index]
        if (log && log.error === null) return recorded ? 'delivered' : 'retrying'
        return failure(delivery, endpoint, log ?? noOutcome()).catch((error: unknown) => {
          logger.error({ err: error, deliveryId: delivery.id }, 'webhook outcome not recorded')
          return 'retrying' as const
        })
      }),
    )
  }

  const noOutcome = (): AttemptLog => ({
    at: clock(),
    statusCode: null,
    responseExcerpt: null,
    durationMs: 0,
    error: 'no outcome recorded',
  })

  /** The batch's POSTs, at most openPerEndpoint open at once, their logs in the batch's order. */
  async function attemptAll(deliveries: OutgoingDelivery[], endpoint: ClaimedEndpoint): Promise<AttemptLog[]> {
    const logs: AttemptLog[] = []
    let next = 0
    const sender = async () => {
      for (let index = next++; index < deliveries.length; index = next++) {
        const delivery = deliveries[index]
        if (delivery) logs[index] = await attempt(delivery, endpoint)
      }
    }
    await Promise.all(Array.from({ length: Math.min(openPerEndpoint, deliveries.length) }, sender))
    return logs
  }

  // Opening a secret is an AES decryption: once per stored value, not per POST. Endpoints are few;
  // the bound only keeps a process that sees many rotations from holding them all.
  const opened = new Map<string, Promise<string>>()
  function open(stored: string): Promise<string> {
    let secret = opened.get(stored)
    if (!secret) {
      if (opened.size >= 1_000) opened.clear()
      secret = options.secrets.open(stored)
      opened.set(stored, secret)
      secret.catch(() => opened.delete(stored))
    }
    return secret
  }

  /** The current secret, and the one a rotation replaced while it still signs. */
  function signingSecretsOf(endpoint: ClaimedEndpoint, at: Date): Promise<string[]> {
    const previous = previousSecretSignsAt(endpoint, at) ? endpoint.previous_secret : null
    return Promise.all(previous === null ? [open(endpoint.secret)] : [open(endpoint.secret), open(previous)])
  }

  /** One POST, or the reason it was not made. */
  async function attempt(delivery: OutgoingDelivery, endpoint: ClaimedEndpoint): Promise<AttemptLog> {
    // Claimed again and again without an outcome: the sender keeps dying on this one.
    if (delivery.attempts > policy.maxAttempts) return noOutcome()
    const at = clock()
    let secrets: string[]
    try {
      secrets = await signingSecretsOf(endpoint, at)
    } catch (error) {
      if (!(error instanceof UnopenableWebhookSecretError)) throw error
      return { at, statusCode: null, responseExcerpt: null, durationMs: 0, error: error.message }
    }
    return sendWebhook({ url: endpoint.url, secrets }, delivery, { at, timeoutMs, transport })
  }

  async function failure(delivery: OutgoingDelivery, endpoint: ClaimedEndpoint, log: AttemptLog) {
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
      clearTimeout(lingering)
      lingering = undefined
      await loop.stop()
      await Promise.allSettled([...inFlight.values(), ...held])
    },
    wake: wakeSoon,
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
    handover: { reserve },
  }
}
