import { fork, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { setPriority } from 'node:os'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import type { Db } from '../src/db/create-db.js'
import type { Logger } from '../src/logger.js'
import { outboxBacklog } from '../src/modules/events/event.service.js'
import { createOutboxDispatcher } from '../src/modules/events/outbox-dispatcher.js'
import { createAppPubSub } from '../src/modules/events/pubsub.js'
import { createWebhookDispatcher } from '../src/modules/webhooks/webhook-dispatcher.js'
import { webhookEventOf } from '../src/modules/webhooks/webhook-events.js'
import { createNodeWebhookTransport } from '../src/modules/webhooks/webhook-node-transport.js'
import { createWebhookSecretBox, type WebhookSecretBox } from '../src/modules/webhooks/webhook-secret-box.js'
import { newWebhookSecret } from '../src/modules/webhooks/webhook-signature.js'
import { allOutboxConsumers } from '../src/outbox-consumers.js'
import type { RunStats } from './measure.js'
import type { RunFresh } from './promotions-bench.js'
import { type CheckoutFixture, checkoutRequest, type FreshLoad, type RunCheck } from './scenarios.js'

export type WebhookSide = 'none' | 'three'

export interface WebhookRunCheck extends RunCheck {
  side: WebhookSide
  round: number
}

/** What the outbox and the dispatcher had left when a run's requests ended, and how long they took to finish it. */
export interface WebhookRunDrain {
  side: WebhookSide
  round: number
  /** Outbox events not yet consumed when the run ended. */
  backlogAtEnd: number
  /** From the end of the requests until the outbox was empty and the fast endpoints had every message. */
  drainMs: number
  /** CPU time the receiver's process spent from the start of the warm-up to the end of the drain. */
  receiverCpuMs: number
  /** The same for the sender's process, when the webhooks are sent from one. */
  senderCpuMs: number | null
  /** Orders placed in the warm-up and the run, over the time from the first of them to the end of the drain. */
  sustained: { orders: number; seconds: number; perSecond: number }
  /** Deliveries queued in the run, per endpoint path, and how many were delivered by the end of the drain. */
  queued: Record<string, number>
  delivered: Record<string, number>
}

/**
 * server: the server's process sends the webhooks (WEBHOOKS_IN_SERVER=true, the default);
 * process: `npm run webhooks` sends them from a process of its own at a lower CPU priority.
 */
export type WebhookSender = 'server' | 'process'

export interface WebhooksReport {
  sender: WebhookSender
  /** The sender process's nice value (process only). */
  senderNice: number | null
  runs: Record<WebhookSide, RunStats[]>
  checks: WebhookRunCheck[]
  drains: WebhookRunDrain[]
  slowMs: number
}

export interface WebhooksBenchParts {
  sender: WebhookSender
  /** For the process sender: where it connects. */
  databaseUrl: string
  db: Db
  /** WEBHOOK_SECRETS_KEY of the server and of the sender process. */
  webhookSecretsKey: string
  logger: Logger
  checkout: CheckoutFixture
  rounds: number
  runFresh: RunFresh
  log(message: string): void
}

const PATHS = ['/fast-a', '/fast-b', '/slow'] as const
const FAST_PATHS: readonly string[] = ['/fast-a', '/fast-b']
const SLOW_MS = 2_000
const DRAIN_LIMIT_MS = 60_000
// A single machine's way of giving the checkouts precedence: the sender gets about a tenth of a
// busy core's time (CFS weight 110 against 1024) and the rest of what the server leaves idle.
const SENDER_NICE = 10

/**
 * GraphQL checkouts of the hot SKU, with the server's background work running as in production
 * (outbox dispatcher with its consumers, webhook dispatcher), in rounds alternating no endpoint
 * and three endpoints subscribed to order.placed on a loopback receiver in its own process: two
 * answer at once, one after 2 s. The endpoints stay registered throughout and are disabled while the "none" side
 * runs, which the consumer treats exactly as no endpoint (one indexed read that finds nothing).
 * The side that goes first alternates by round, so neither always runs on the other's leftovers,
 * after one unmeasured run of each side, so neither pays alone for a cold process.
 * The checkouts outrun the outbox on two cores, and how much of its work a run leaves for later
 * varies from run to run; so each run is also timed until its work is done (the outbox empty, the
 * fast endpoints served), which gives the rate the pair can sustain.
 */
export async function measureWebhooks(parts: WebhooksBenchParts): Promise<WebhooksReport> {
  const { db, logger } = parts
  const receiver = await startBenchReceiver()
  // Sealed as the server stores them, so the sends open them as in production.
  const secrets = createWebhookSecretBox({ current: parts.webhookSecretsKey })
  const endpointIds = await createEndpoints(db, receiver.url, secrets)
  // The server's own transport (background.ts), as production sends.
  const transport = createNodeWebhookTransport()
  const webhooks =
    parts.sender === 'server'
      ? createWebhookDispatcher({
          db,
          logger,
          transport: transport.send,
          secrets,
        })
      : null
  const outbox = createOutboxDispatcher({
    db,
    pubsub: createAppPubSub(),
    logger,
    consumers: allOutboxConsumers({ webhookHandover: webhooks?.handover }),
    onPublished: (events) => {
      if (webhooks && events.some((event) => webhookEventOf(event) !== null)) webhooks.wake()
    },
  })
  const senderProcess =
    parts.sender === 'process' ? await startSenderProcess(parts.databaseUrl, parts.webhookSecretsKey) : null
  outbox.start()
  webhooks?.start()
  try {
    const runs: Record<WebhookSide, RunStats[]> = { none: [], three: [] }
    const checks: WebhookRunCheck[] = []
    const drains: WebhookRunDrain[] = []
    /** One run of a side, from enabling its endpoints to the end of its drain. */
    const runSide = async (side: WebhookSide, label: string) => {
      await setEnabled(db, endpointIds, side === 'three')
      const since = await lastEventId(db)
      const receiverCpuBefore = await receiver.cpuMs()
      const senderCpuBefore = senderProcess?.cpuMs() ?? null
      const { stats, check } = await parts.runFresh(hotLoad(parts), label, { warmUp: true })
      const backlogAtEnd = (await outboxBacklog(db)).count
      const drainMs = await waitForDrain(db, since)
      const sustained = await placedSince(db, since)
      return {
        stats,
        check,
        since,
        backlogAtEnd,
        drainMs,
        sustained,
        receiverCpuMs: (await receiver.cpuMs()) - receiverCpuBefore,
        senderCpuMs: senderProcess && senderCpuBefore !== null ? senderProcess.cpuMs() - senderCpuBefore : null,
      }
    }
    const sideName = (side: WebhookSide) => (side === 'none' ? 'no' : 'three')
    // A process's first runs are slower than its later ones (compiled code, caches): the first side
    // of round 1 would pay for it alone. Both sides run once unmeasured first.
    for (const side of ['none', 'three'] as const) {
      await runSide(side, `settling run, ${sideName(side)} webhook endpoints`)
    }
    for (let round = 1; round <= parts.rounds; round++) {
      const order: WebhookSide[] = round % 2 === 1 ? ['none', 'three'] : ['three', 'none']
      for (const side of order) {
        const label = `round ${round}/${parts.rounds} checkout hot SKU, ${sideName(side)} webhook endpoints`
        const { stats, check, since, ...drain } = await runSide(side, label)
        runs[side].push(stats)
        if (check) checks.push({ side, round, ...check })
        drains.push({ side, round, ...drain, ...(await deliveriesSince(db, endpointIds, since)) })
        parts.log(`${label}: ${JSON.stringify(drains.at(-1))}`)
      }
    }
    return {
      sender: parts.sender,
      senderNice: senderProcess ? SENDER_NICE : null,
      runs,
      checks,
      drains,
      slowMs: SLOW_MS,
    }
  } finally {
    await setEnabled(db, endpointIds, false)
    await Promise.all([outbox.stop(), webhooks?.stop(), senderProcess?.stop()])
    transport.close()
    await db.deleteFrom('webhook_endpoint').where('id', 'in', endpointIds).execute()
    await receiver.close()
  }
}

function hotLoad(parts: WebhooksBenchParts): FreshLoad {
  const { checkout } = parts
  return {
    async prepare(count) {
      const carts = await checkout.createCarts([checkout.store.hotVariantId], count)
      return {
        load: { oneShot: carts.map((cart) => checkoutRequest(checkout.store, cart, 'graphql')) },
        async verify(stats) {
          const orders = await checkout.countOrders(carts)
          const ok = orders - stats.ok >= 0 && orders - stats.ok <= checkout.connections
          return { ok, summary: `${orders} orders for ${stats.ok} 2xx of ${carts.length} carts` }
        },
      }
    },
  }
}

async function createEndpoints(db: Db, url: (path: string) => string, secrets: WebhookSecretBox): Promise<string[]> {
  const endpoints = await Promise.all(
    PATHS.map(async (path) => ({
      url: url(path),
      events: ['order.placed'],
      description: `bench ${path}`,
      secret: await secrets.seal(newWebhookSecret()),
      disabled_at: new Date(),
      disabled_reason: 'bench: off',
    })),
  )
  const rows = await db.insertInto('webhook_endpoint').values(endpoints).returning('id').execute()
  return rows.map((row) => row.id)
}

async function setEnabled(db: Db, ids: readonly string[], enabled: boolean): Promise<void> {
  await db
    .updateTable('webhook_endpoint')
    .set(
      enabled
        ? { disabled_at: null, disabled_reason: null }
        : { disabled_at: new Date(), disabled_reason: 'bench: off' },
    )
    .where('id', 'in', ids)
    .execute()
}

async function lastEventId(db: Db): Promise<string> {
  const row = await db
    .selectFrom('outbox_event')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst()
  return row?.id === null || row?.id === undefined ? '0' : String(row.id)
}

/**
 * Milliseconds until the outbox holds nothing and no fast endpoint waits for a message of the run.
 * Past DRAIN_LIMIT_MS the run fails: a rate over work not yet done would be no rate at all.
 */
async function waitForDrain(db: Db, sinceEventId: string): Promise<number> {
  const started = performance.now()
  while (performance.now() - started < DRAIN_LIMIT_MS) {
    const backlog = (await outboxBacklog(db)).count
    const waiting = backlog > 0 ? 1 : await fastDeliveriesWaiting(db, sinceEventId)
    if (waiting === 0) return Math.round(performance.now() - started)
    await delay(50)
  }
  throw new Error(`the outbox or the fast endpoints were not done ${DRAIN_LIMIT_MS} ms after the run`)
}

async function fastDeliveriesWaiting(db: Db, sinceEventId: string): Promise<number> {
  const row = await db
    .selectFrom('webhook_delivery')
    .innerJoin('webhook_endpoint', 'webhook_endpoint.id', 'webhook_delivery.endpoint_id')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where(
      'webhook_endpoint.description',
      'in',
      FAST_PATHS.map((path) => `bench ${path}`),
    )
    .where('webhook_delivery.status', '=', 'PENDING')
    .where('webhook_delivery.event_id', '>', sinceEventId)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/** The orders placed since the event, over the database's time from the first of them to now. */
async function placedSince(db: Db, sinceEventId: string): Promise<WebhookRunDrain['sustained']> {
  const { rows } = await sql<{ orders: number; seconds: number | null }>`
    SELECT count(*)::int AS orders, extract(epoch FROM clock_timestamp() - min(created_at))::float8 AS seconds
      FROM outbox_event WHERE id > ${sinceEventId} AND type = 'order.placed'`.execute(db)
  const orders = rows[0]?.orders ?? 0
  const seconds = rows[0]?.seconds ?? 0
  return { orders, seconds, perSecond: seconds > 0 ? orders / seconds : 0 }
}

async function deliveriesSince(db: Db, endpointIds: readonly string[], sinceEventId: string) {
  const rows = await db
    .selectFrom('webhook_delivery')
    .innerJoin('webhook_endpoint', 'webhook_endpoint.id', 'webhook_delivery.endpoint_id')
    .select(['webhook_endpoint.url', 'webhook_delivery.status'])
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('webhook_delivery.endpoint_id', 'in', endpointIds)
    .where('webhook_delivery.event_id', '>', sinceEventId)
    .groupBy(['webhook_endpoint.url', 'webhook_delivery.status'])
    .execute()
  const queued: Record<string, number> = {}
  const delivered: Record<string, number> = {}
  for (const row of rows) {
    const path = new URL(row.url).pathname
    queued[path] = (queued[path] ?? 0) + Number(row.count)
    if (row.status === 'DELIVERED') delivered[path] = (delivered[path] ?? 0) + Number(row.count)
  }
  return { queued, delivered }
}

/**
 * Answers 204 at once on the fast paths, after SLOW_MS on the slow one, from its own process at
 * the lowest priority, over node:net (webhook-receiver.mjs): the ERP's CPU is another machine's
 * in production.
 */
export async function startBenchReceiver() {
  const child = fork(fileURLToPath(new URL('./webhook-receiver.mjs', import.meta.url)), [], {
    env: { ...process.env, SLOW_MS: String(SLOW_MS) },
    execArgv: [],
  })
  const next = <T>(key: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: Record<string, unknown>) => {
        if (!(key in message)) return
        child.off('message', onMessage)
        child.off('error', reject)
        resolve(message[key] as T)
      }
      child.on('message', onMessage)
      child.once('error', reject)
    })
  const port = await next<number>('port')
  if (child.pid !== undefined) setPriority(child.pid, 19)
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    async cpuMs() {
      const answer = next<number>('cpuMs')
      child.send('usage')
      return answer
    },
    async close() {
      const closed = next<boolean>('closed')
      child.send('close')
      await closed
    },
  }
}

/**
 * `npm run webhooks` from the sources, on the bench's database, at SENDER_NICE; resolves once it
 * is sending. Its CPU is read from /proc (Linux), as it is a plain CLI with no channel to ask.
 */
async function startSenderProcess(databaseUrl: string, webhookSecretsKey: string) {
  const root = fileURLToPath(new URL('../', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/webhooks.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      WEBHOOK_SECRETS_KEY: webhookSecretsKey,
      LOG_LEVEL: 'info',
      MIGRATE_ON_START: 'false',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const pid = child.pid
  if (pid === undefined) throw new Error('the webhook sender did not start')
  setPriority(pid, SENDER_NICE)
  await new Promise<void>((resolve, reject) => {
    let seen = ''
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      if (seen.includes('webhook sender running')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`the webhook sender exited (${code}) before sending`)))
  })
  child.stdout.resume()
  const ticksPerMs = 100 / 1000 // USER_HZ, 100 on Linux
  return {
    cpuMs() {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
      // utime and stime are the 14th and 15th fields of the line, the 12th and 13th after "comm) ".
      return (Number(fields[11]) + Number(fields[12])) / ticksPerMs
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}
