import { Worker } from 'node:worker_threads'
import { startBackgroundWork } from '../src/background.js'
import type { Config } from '../src/config.js'
import type { Db } from '../src/db/create-db.js'
import { createHttpMetrics } from '../src/http/metrics.js'
import type { Logger } from '../src/logger.js'
import { createOutboxDispatcher } from '../src/modules/events/outbox-dispatcher.js'
import type { AppPubSub } from '../src/modules/events/pubsub.js'
import type { AppPayments } from '../src/modules/payments/payment-setup.js'
import type { WebhookSecretBox } from '../src/modules/webhooks/webhook-secret-box.js'
import { type CheckoutCart, type CheckoutStore, countOrdersOfCarts, createCheckoutCarts } from './checkout-fixture.js'
import type { FanoutOutcome, FanoutWork } from './fanout-client.js'
import type { HttpRequest } from './measure.js'
import { CHECKOUT, globalId, graphqlRequest } from './scenarios.js'
import { BOARD_ORDER_FIELDS } from './store-queue-scenarios.js'

export interface FanoutPlan {
  /** Orders placed one at a time, and as many again in concurrent bursts. */
  orders: number
  burst: number
  /** One run per count, the first being the baseline. */
  subscriberCounts: readonly number[]
  settleMs: number
}

export interface FanoutRun {
  subscribers: number
  outcome: FanoutOutcome
  /** Orders in the database made from the run's carts (probes included), vs checkouts answered. */
  ordersInDb: number
}

export interface FanoutReport {
  plan: FanoutPlan
  pollMs: number
  poolMax: number
  /** Events left unpublished by the earlier scenarios, published before the first subscriber. */
  backlog: number
  runs: FanoutRun[]
}

export interface FanoutDeps {
  db: Db
  config: Config
  logger: Logger
  pubsub: AppPubSub
  payments: AppPayments
  webhookSecrets: WebhookSecretBox
  baseUrl: string
  store: CheckoutStore
  staffToken: string
  log(message: string): void
}

const PROBES = 5

/**
 * Subscribers on the busy store's board, then orders placed through checkoutPlaceOrder: the time
 * from each checkout to its arrival on every stream. The server's background work runs as in
 * src/server.ts (startBackgroundWork, so the outbox dispatcher at config.outboxPollMs and woken
 * after each mutation), except for the scheduler, whose jobs would write to the scratch database
 * mid-run and are no part of the delivery path.
 */
export async function measureFanout(deps: FanoutDeps, plan: FanoutPlan): Promise<FanoutReport> {
  const { db, config, logger, pubsub } = deps
  if (config.database.kind !== 'postgres') throw new Error('the fan-out expects PostgreSQL')
  const backlog = await publishBacklog(db, pubsub, logger)
  deps.log(`fan-out: published a backlog of ${backlog} outbox events first`)
  const background = startBackgroundWork({
    config: { ...config, schedulerEnabled: false },
    db,
    logger,
    pubsub,
    payments: deps.payments,
    metrics: createHttpMetrics({ processMetrics: false }),
    webhookSecrets: deps.webhookSecrets,
  })
  const runs: FanoutRun[] = []
  try {
    for (const subscribers of plan.subscriberCounts) {
      const run = await runFanout(deps, plan, subscribers, { subscribe: deps.baseUrl, checkout: deps.baseUrl })
      deps.log(`fan-out, ${subscribers} subscribers: ${summary(run)}`)
      runs.push(run)
    }
  } finally {
    await background.stop()
  }
  return { plan, pollMs: config.outboxPollMs, poolMax: config.database.poolMax, backlog, runs }
}

/**
 * One run: `subscribers` streams on the board at `urls.subscribe`, orders placed at
 * `urls.checkout` (another instance, or the same).
 */
export async function runFanout(
  deps: Pick<FanoutDeps, 'db' | 'store' | 'staffToken'>,
  plan: FanoutPlan,
  subscribers: number,
  urls: { subscribe: string; checkout: string },
): Promise<FanoutRun> {
  const carts = await createCheckoutCarts(deps.db, deps.store.distinctVariantIds, PROBES + 2 * plan.orders)
  const checkouts = carts.map((cart) => checkoutRequest(deps.store, cart))
  const sequential = checkouts.slice(PROBES, PROBES + plan.orders)
  const bursty = checkouts.slice(PROBES + plan.orders)
  const outcome = await runClient({
    baseUrl: urls.subscribe,
    checkoutBaseUrl: urls.checkout,
    subscribers,
    subscription: subscriptionRequest(deps.store.storeId, deps.staffToken),
    probes: checkouts.slice(0, PROBES),
    sequential,
    bursts: Array.from({ length: Math.ceil(bursty.length / plan.burst) }, (_, index) =>
      bursty.slice(index * plan.burst, (index + 1) * plan.burst),
    ),
    settleMs: plan.settleMs,
  })
  return { subscribers, outcome, ordersInDb: await countOrdersOfCarts(deps.db, carts) }
}

/** Publishes every pending event (nobody listens yet), so that the runs do not wait behind them. */
async function publishBacklog(db: Db, pubsub: AppPubSub, logger: Logger): Promise<number> {
  const dispatcher = createOutboxDispatcher({ db, pubsub, logger })
  let total = 0
  for (let published = await dispatcher.dispatchOnce(); published > 0; published = await dispatcher.dispatchOnce())
    total += published
  return total
}

function subscriptionRequest(storeId: string, staffToken: string): HttpRequest {
  const query = `subscription Board($storeId: ID!) { storeQueueUpdated(storeId: $storeId) { ${BOARD_ORDER_FIELDS} createdAt } }`
  return {
    ...graphqlRequest(query, { storeId: globalId('Store', storeId) }),
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${staffToken}` },
  }
}

/** A shopper's checkout, through GraphQL: the mutation whose commit wakes the dispatcher. */
function checkoutRequest(store: CheckoutStore, cart: CheckoutCart): HttpRequest {
  const input = {
    cartId: globalId('Cart', cart.cartId),
    storeId: globalId('Store', store.storeId),
    pickupSlotStart: store.pickupSlotStart.toISOString(),
    paymentMode: 'AT_PICKUP',
    idempotencyKey: cart.idempotencyKey,
  }
  return {
    ...graphqlRequest(CHECKOUT, { input }),
    headers: { 'content-type': 'application/json', 'x-cart-token': cart.cartToken },
  }
}

function runClient(work: FanoutWork): Promise<FanoutOutcome> {
  const worker = new Worker(new URL('./fanout-worker.mjs', import.meta.url), { workerData: work })
  return new Promise((resolve, reject) => {
    worker.once('message', (outcome: FanoutOutcome) => {
      resolve(outcome)
      void worker.terminate()
    })
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`the fan-out client exited (${code}) without an answer`)))
  })
}

export function summary(run: FanoutRun): string {
  const { outcome } = run
  const deliveries = outcome.orders.flatMap((order) => order.arrivals)
  const missed = deliveries.filter((arrival) => arrival === null).length
  return `${outcome.orders.length} orders (+${outcome.probesPlaced} probes, ${run.ordersInDb} in the database), ${deliveries.length - missed} deliveries, ${missed} missed, ${outcome.duplicates} duplicates, ${outcome.unexpected.length + outcome.problems.length} problems`
}
