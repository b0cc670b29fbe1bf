import { existsSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { sql } from 'kysely'
import pg from 'pg'
import { createApp } from '../src/app.js'
import { type AccessTokenIssuer, createAccessTokenIssuer } from '../src/auth/access-token.js'
import { createPickupSecrets, type PickupSecrets } from '../src/auth/pickup-secrets.js'
import { loadConfig, unixSocketDirectoryOf } from '../src/config.js'
import { createDb, type Db } from '../src/db/create-db.js'
import { migrateToLatest } from '../src/db/migrator.js'
import { createLogger } from '../src/logger.js'
import { createAppPubSub } from '../src/modules/events/pubsub.js'
import type { AppPayments } from '../src/modules/payments/payment-setup.js'
import { createStripeProvider } from '../src/modules/payments/stripe.provider.js'
import { findStoresPage } from '../src/modules/stores/store.service.js'
import { createWebhookSecretBox } from '../src/modules/webhooks/webhook-secret-box.js'
import { seedDemoData } from '../src/seed/seed.js'
import { type FakeStripe, startFakeStripe } from '../test/helpers/fake-stripe.js'
import { startPgBouncer } from '../test/helpers/pgbouncer.js'
import { bareRoutes } from './bare.routes.js'
import { type Board, BUSY_STORE_ORDERS, setUpBusyStore } from './busy-store-fixture.js'
import { createBenchCarts } from './cart-fixture.js'
import {
  checkCartsMatchService,
  countOrdersOfCarts,
  createCheckoutCarts,
  findStripePaymentsOfCarts,
  prepareCheckoutStore,
} from './checkout-fixture.js'
import { createCheckoutTally } from './checkout-tally.js'
import { type FanoutReport, measureFanout } from './fanout.js'
import { type InstancesFanoutReport, measureInstancesFanout, renderInstancesFanout } from './fanout-instances.js'
import { hasFanoutFailures, renderFanout } from './fanout-report.js'
import { measureImport, renderImport } from './import-bench.js'
import { measureInsights, renderInsights } from './insights-bench.js'
import { fetchOnce, firstRequest, type HttpRequest, type Load, measure, type RunStats } from './measure.js'
import { type BenchOptions, isSelected, parseBenchOptions } from './options.js'
import { measureHotRowCeiling } from './pgbench.js'
import { measurePooler, type PoolerRuns, renderPooler } from './pooler-bench.js'
import { preparePricedStores } from './price-fixture.js'
import { measurePromotions, type PromotionsReport } from './promotions-bench.js'
import { renderPromotions } from './promotions-report.js'
import {
  type CeilingReport,
  isoDate,
  renderBusyStore,
  renderCpu,
  renderReport,
  renderStatementCounts,
  type ScenarioRuns,
  type StatementCount,
  totalFailures,
  writeReport,
} from './report.js'
import {
  type Fixture,
  type FreshLoad,
  isFreshLoad,
  NEAR,
  type RunCheck,
  type Scenario,
  scenarios,
} from './scenarios.js'
import { measureStartup, renderStartup } from './startup-bench.js'
import { createStatementCounter } from './statement-count.js'
import { bareStoreQueueRoutes } from './store-queue.routes.js'
import { storeQueueScenarios } from './store-queue-scenarios.js'
import { measureWebhooks, type WebhooksReport } from './webhooks-bench.js'
import { renderWebhooks } from './webhooks-report.js'

const LOCAL_SOCKET_DIRECTORY = '/var/run/postgresql'
/**
 * The local server over its Unix socket where it has one, as a server on the database's machine
 * would connect, else over TCP. pgbench is given the same URL, so the ceiling and the checkouts
 * cross the same transport. The socket measured faster for both sides of the comparison (hot-SKU
 * checkout, 3 rounds: GraphQL 1425-1473 req/s and pgbench 5732 tps, against 1150-1390 and about
 * 5500 over loopback TCP), mostly in the server: on loopback TCP the sender runs the receiver's
 * TCP stack too, and a quarter of the server's busy time was writev.
 */
const LOCAL_SERVER = existsSync(join(LOCAL_SOCKET_DIRECTORY, '.s.PGSQL.5432'))
  ? `postgres:///postgres?host=${LOCAL_SOCKET_DIRECTORY}&user=postgres`
  : 'postgres://postgres@127.0.0.1:5432/postgres'
const ROUNDS = positiveIntFromEnv('BENCH_ROUNDS', 3)
const DURATION_SECONDS = positiveIntFromEnv('BENCH_DURATION', 8)
const WARM_UP_SECONDS = 2
const CONNECTIONS = 10
const BENCH_SECRET = 'bench-secret-that-is-long-enough-for-hs256'
// Each (cart, variant) pair takes at most 99 adds: enough pairs that no run reaches the limit.
const CARTS_PER_SIDE = 150
const CART_VARIANTS = 5
// Checkout carts are made before each run, enough for this rate over the run: far above what a
// checkout reaches here. A run that still used them all up would send its extra requests to a
// path that answers 404, and be reported as failed.
const MAX_CHECKOUT_RATE = 4000
const CHECKOUT_DISTINCT_VARIANTS = 50
const HOT_SKU_SCENARIO = 'checkout, hot SKU'
const FANOUT_ORDERS = positiveIntFromEnv('BENCH_FANOUT_ORDERS', 200)
const FANOUT_SUBSCRIBERS = 20
const FANOUT_BURST = 10
// Ten poll intervals of the dispatcher (500 ms by default): a delivery later than that is missed.
const FANOUT_SETTLE_MS = 5000

class BenchError extends Error {}

/** Undone in reverse order on the way out, whether the run succeeded, failed or was interrupted. */
const cleanups: (() => Promise<void>)[] = []

/** Counts every statement of the pool; read around single requests, before the runs. */
const statements = createStatementCounter()

async function main(): Promise<void> {
  const options = parseOptions()
  // As src/server.ts does: the tracing overhead is measured by running the bench with and without it.
  if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    const tracing = (await import('../src/observability/tracing-sdk.js')).startTracing()
    cleanups.push(() => tracing.shutdown())
    log('tracing to OTEL_EXPORTER_OTLP_ENDPOINT')
  }
  const url = await acquireDatabase()
  // The per-client request budget stays off: every bench request comes from 127.0.0.1, and
  // ~1500 req/s from one address is the load being measured, not an abuse to refuse.
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_REQUESTS_PER_MINUTE: '0',
    PAYMENT_PROVIDER: 'offline',
  })
  if (config.database.kind !== 'postgres') throw new BenchError('expected a PostgreSQL configuration')
  const db = await createDb(config.database, { onQuery: statements.onQuery })
  cleanups.push(() => db.destroy())

  log('migrating and seeding…')
  await migrateToLatest(db)
  await seedDemoData(db)
  const postgresVersion = await serverVersion(db)

  const fakeStripe = await startStripe()
  const payments = stripePayments(fakeStripe)
  const pickupSecrets = createPickupSecrets(BENCH_SECRET)
  const webhookSecrets = createWebhookSecretBox({ current: BENCH_SECRET })
  // The busy store's board token is issued once and must outlive every round (a server caps it at 15 minutes).
  const accessTokens = createAccessTokenIssuer(BENCH_SECRET, { accessTokenTtlMinutes: 24 * 60, refreshTokenTtlDays: 1 })
  const logger = createLogger('silent')
  // Shared with the outbox dispatcher the fan-out starts, as src/server.ts shares its own.
  const pubsub = createAppPubSub()
  const app = createApp({ config, db, logger, accessTokens, pickupSecrets, webhookSecrets, payments, pubsub })
  const root = new Hono()
  root.route(
    '/bare',
    bareRoutes(db, {
      pickupSecrets,
      paymentTimeoutMinutes: config.orders.paymentTimeoutMinutes,
      payments: payments.online,
    }),
  )
  root.route('/bare', bareStoreQueueRoutes(db, accessTokens))
  const tally = createCheckoutTally()
  root.use('/graphql', tally.middleware)
  root.route('/', app)
  const baseUrl = await listen(root)
  // Before the server closes (cleanups run in reverse): open event streams would hold it.
  cleanups.push(async () => pubsub.close())

  // Its own data (a year of generated rollups) and report; none of the fixtures below.
  if (options.only?.length === 1 && options.only[0] === 'insights') {
    const report = await measureInsights(db, baseUrl, { rounds: ROUNDS, durationSeconds: DURATION_SECONDS, log })
    const markdown = renderInsights(report, [
      `${isoDate(new Date())}, Node ${process.version}, ${availableParallelism()} CPUs (shared), ${postgresVersion},`,
      `over ${transportOf(url)}. Command: \`${command()}\`.`,
    ])
    const path = fileURLToPath(new URL(`./results/${isoDate(new Date())}-insights.md`, import.meta.url))
    writeReport(path, markdown)
    process.stdout.write(`\n${markdown}\nwritten to ${path}\n`)
    return
  }

  const fixture = await findFixture(db, fakeStripe)
  log(`check checkout carts: ${await checkCartsMatchService(db, fixture.checkout.store.hotVariantId)}`)
  const board =
    isSelected(options, 'store-queue') || isSelected(options, 'fanout') || isSelected(options, 'redis-fanout')
      ? await setUpBoard(db, fixture.storeId, pickupSecrets, accessTokens)
      : null
  const planned = [...scenarios(fixture), ...(board ? storeQueueScenarios(board) : [])].filter((scenario) =>
    isSelected(options, scenario.key),
  )
  const statementCounts: StatementCount[] = []
  for (const scenario of planned) {
    const checked = await checkScenario(baseUrl, scenario)
    log(`check ${scenario.name}: ${checked.summary}; SQL statements GraphQL ${checked.graphql}, bare ${checked.bare}`)
    statementCounts.push({ name: scenario.name, graphql: checked.graphql, bare: checked.bare })
  }

  const results: ScenarioRuns[] = planned.map((scenario) => ({
    name: scenario.name,
    graphql: [],
    bare: [],
    checks: [],
  }))
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [index, scenario] of planned.entries()) {
      const result = results[index]!
      for (const side of ['graphql', 'bare'] as const) {
        const label = `round ${round}/${ROUNDS} ${scenario.name} ${side === 'graphql' ? 'GraphQL' : 'bare'}`
        const { stats, check } = await run(db, baseUrl, scenario[side], label)
        result[side].push(stats)
        if (check) result.checks.push({ side, round, ...check })
      }
    }
  }
  const measuresCeiling = planned.some((scenario) => scenario.name === HOT_SKU_SCENARIO)
  if (measuresCeiling) await maintainLikeAutovacuum(db)
  const ceiling = measuresCeiling ? await hotRowCeiling(db, url, fixture, results) : null
  const promotions: PromotionsReport | null = isSelected(options, 'checkout-promotions')
    ? await measurePromotions({
        db,
        checkout: fixture.checkout,
        tally,
        rounds: ROUNDS,
        durationSeconds: DURATION_SECONDS,
        runFresh: (load, label, runOptions) => run(db, baseUrl, load, label, runOptions),
        sendCounted: (request) => fetchCounted(baseUrl, request),
        log,
      })
    : null
  const webhooks: WebhooksReport[] = []
  for (const sender of ['server', 'process'] as const) {
    if (!isSelected(options, `checkout-webhooks-${sender}`)) continue
    webhooks.push(
      await measureWebhooks({
        sender,
        databaseUrl: url,
        db,
        webhookSecretsKey: BENCH_SECRET,
        logger,
        checkout: fixture.checkout,
        // An even count, so each side goes first as often as the other; at least eight, since the
        // rounds of one run differ by up to ±15 % (three / none from 0.71 to 1.03 on one machine).
        rounds: Math.max(8, ROUNDS + (ROUNDS % 2)),
        runFresh: (load, label, runOptions) => run(db, baseUrl, load, label, runOptions),
        log,
      }),
    )
  }
  const fanout: FanoutReport | null =
    board && isSelected(options, 'fanout')
      ? await measureFanout(
          {
            db,
            config,
            logger,
            pubsub,
            payments,
            webhookSecrets,
            baseUrl,
            store: board.busy.store,
            staffToken: board.staffToken,
            log,
          },
          {
            orders: FANOUT_ORDERS,
            burst: FANOUT_BURST,
            subscriberCounts: [1, FANOUT_SUBSCRIBERS],
            settleMs: FANOUT_SETTLE_MS,
          },
        )
      : null
  const instancesFanout: InstancesFanoutReport | null =
    board && isSelected(options, 'redis-fanout')
      ? await measureInstancesFanout(
          { db, databaseUrl: url, jwtSecret: BENCH_SECRET, store: board.busy.store, staffToken: board.staffToken, log },
          {
            orders: FANOUT_ORDERS,
            burst: FANOUT_BURST,
            subscriberCounts: [FANOUT_SUBSCRIBERS],
            settleMs: FANOUT_SETTLE_MS,
          },
          FANOUT_SUBSCRIBERS,
        )
      : null
  // Its own server processes on the same database, before the import grows the catalog.
  const startup = isSelected(options, 'startup')
    ? await measureStartup(url, productsListing(fixture), DURATION_SECONDS, log)
    : null
  const pooler = isSelected(options, 'pgbouncer')
    ? await poolerComparison(url, fixture, baseUrl, {
        logger,
        accessTokens,
        pickupSecrets,
        webhookSecrets,
        payments,
        pubsub,
      })
    : null
  // Last: it adds a hundred thousand variants, which the other scenarios must not see.
  const importReport = isSelected(options, 'import') ? await measureImport(db, url, log) : null

  const date = new Date()
  const markdown = renderReport(
    {
      date,
      nodeVersion: process.version,
      nodeEnv: process.env.NODE_ENV,
      cpuCount: availableParallelism(),
      postgresVersion,
      postgresTransport: transportOf(url),
      rounds: ROUNDS,
      connections: CONNECTIONS,
      durationSeconds: DURATION_SECONDS,
      warmUpSeconds: WARM_UP_SECONDS,
      command: command(),
    },
    results,
    ceiling,
    [
      ...renderStatementCounts(statementCounts),
      ...renderCpu(results),
      ...(board ? renderBusyStore(board.busy) : []),
      ...renderFanout(fanout),
      ...renderInstancesFanout(instancesFanout),
      ...renderPromotions(promotions),
      ...webhooks.flatMap(renderWebhooks),
      ...renderPooler(pooler, CONNECTIONS),
      ...renderImport(importReport),
      ...renderStartup(startup),
    ],
  )
  // A run of a few scenarios must not overwrite the full results committed for the day.
  const path = options.only
    ? join(tmpdir(), `comptoir-bench-${isoDate(date)}-${options.only.join('+')}.md`)
    : fileURLToPath(new URL(`./results/${isoDate(date)}.md`, import.meta.url))
  writeReport(path, markdown)
  process.stdout.write(`\n${markdown}\nwritten to ${path}\n`)

  const failures = results.reduce((sum, result) => sum + totalFailures(result.graphql) + totalFailures(result.bare), 0)
  if (failures > 0) throw new BenchError(`${failures} requests failed during the runs; the numbers above are suspect`)
  const poolerFailures = (pooler ?? []).reduce(
    (sum, result) => sum + totalFailures(result.direct) + totalFailures(result.pooled),
    0,
  )
  if (poolerFailures > 0) throw new BenchError(`${poolerFailures} requests failed in the PgBouncer comparison`)
  if (promotions) {
    const promotionRuns = [...promotions.runs.without, ...promotions.runs.with, promotions.hot.stats]
    const promotionFailures = totalFailures(promotionRuns)
    if (promotionFailures > 0)
      throw new BenchError(`${promotionFailures} requests failed in the checkout-with-promotions runs`)
    if ([...promotions.checks, promotions.hot.check].some((check) => !check.ok))
      throw new BenchError('a checkout-with-promotions run failed its check; see its section above')
  }
  for (const report of webhooks) {
    const webhookFailures = totalFailures([...report.runs.none, ...report.runs.three])
    if (webhookFailures > 0)
      throw new BenchError(`${webhookFailures} requests failed in the checkout-with-webhooks runs`)
    if (report.checks.some((check) => !check.ok))
      throw new BenchError('a checkout-with-webhooks run failed its check; see its section above')
  }
  const failedChecks = [...results, ...(pooler ?? [])].flatMap((result) => result.checks.filter((check) => !check.ok))
  if (failedChecks.length > 0)
    throw new BenchError(
      `${failedChecks.length} runs did not place one order (online: one Stripe payment) per 2xx; the numbers above are suspect`,
    )
  if (instancesFanout && hasFanoutFailures({ runs: instancesFanout.runs.map(({ run }) => run) }))
    throw new BenchError('the fan-out across instances missed, duplicated or garbled deliveries; see its section above')
  if (fanout && hasFanoutFailures(fanout))
    throw new BenchError('the fan-out missed, duplicated or garbled deliveries; see its section above')
}

/**
 * Listing and hot-SKU checkout, GraphQL, on this server's direct pool and on a second application
 * whose pool goes through PgBouncer (transaction mode) to the same database.
 */
async function poolerComparison(
  url: string,
  fixture: Fixture,
  directUrl: string,
  parts: Pick<
    Parameters<typeof createApp>[0],
    'logger' | 'accessTokens' | 'pickupSecrets' | 'webhookSecrets' | 'payments' | 'pubsub'
  >,
): Promise<PoolerRuns[]> {
  const pgbouncer = await startPgBouncer(url, { poolSize: CONNECTIONS })
  cleanups.push(() => pgbouncer.stop())
  const database = new URL(url).pathname.slice(1)
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: pgbouncer.socketUrlFor(database),
    DATABASE_POOL_MODE: 'transaction',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_REQUESTS_PER_MINUTE: '0',
    PAYMENT_PROVIDER: 'offline',
  })
  if (config.database.kind !== 'postgres') throw new BenchError('expected a PostgreSQL configuration')
  const pooledDb = await createDb(config.database)
  cleanups.push(() => pooledDb.destroy())
  const pooledRoot = new Hono()
  pooledRoot.route('/', createApp({ config, db: pooledDb, ...parts }))
  const pooledUrl = await listen(pooledRoot)
  log(`PgBouncer in transaction mode; the second application on ${pooledUrl}`)
  const compared = scenarios(fixture).filter(
    (scenario) => scenario.key === 'products' || scenario.key === 'checkout-hot',
  )
  for (const scenario of compared) {
    const { status, body } = await fetchOnce(pooledUrl, firstRequest(await sample(scenario.graphql)))
    if (status !== 200 || hasErrors(body))
      throw new BenchError(`${scenario.name} through PgBouncer: ${status} ${JSON.stringify(body).slice(0, 500)}`)
    log(`check ${scenario.name} through PgBouncer: answered without errors`)
  }
  return measurePooler(compared, { direct: directUrl, pooled: pooledUrl }, ROUNDS, (baseUrl, load, label) =>
    run(pooledDb, baseUrl, load, label),
  )
}

async function setUpBoard(
  db: Db,
  checkoutStoreId: string,
  secrets: PickupSecrets,
  accessTokens: AccessTokenIssuer,
): Promise<Board> {
  log(`placing ${BUSY_STORE_ORDERS} open orders at the busy store through the order services…`)
  const board = await setUpBusyStore(db, { near: NEAR, checkoutStoreId, secrets, accessTokens })
  log(`busy store ${board.busy.code} ready in ${board.busy.buildMs} ms: ${JSON.stringify(board.busy.counts)}`)
  return board
}

function parseOptions(): BenchOptions {
  try {
    return parseBenchOptions(process.argv.slice(2))
  } catch (error) {
    throw new BenchError(messageOf(error))
  }
}

/**
 * The fake Stripe of the tests, on loopback in this process: every intent it creates waits for
 * the shopper (requires_payment_method), as a real card checkout would. Closed after the server
 * (cleanups run in reverse), so requests still in flight at the end can finish their call.
 */
async function startStripe(): Promise<FakeStripe> {
  const fake = await startFakeStripe({ defaultOutcome: 'requires_payment_method' })
  cleanups.push(() => fake.close())
  log(`fake Stripe on ${fake.protocol}://${fake.host}:${fake.port}`)
  return fake
}

/** Online payments through the real Stripe provider and SDK, pointed at the fake, without retries. */
function stripePayments(fake: FakeStripe): AppPayments {
  const provider = createStripeProvider({
    secretKey: 'sk_test_bench',
    apiBase: { host: fake.host, port: fake.port, protocol: fake.protocol },
    maxNetworkRetries: 0,
  })
  return { online: provider, stripe: { client: provider.client, webhookSecret: 'whsec_bench' } }
}

/**
 * Each round adds tens of thousands of carts and orders. A server with autovacuum on (the default)
 * vacuums and analyzes tables that grow like this on its own, an analyze after every 10% of new
 * rows; CI's server runs with it off. There, without statistics, the planner reads the lines of 50
 * orders with a scan of every order line, and keeps prepared plans made when the tables were a few
 * pages long, so every round was slower than the one before (the checkout read went from 0.2 to
 * 15 ms over three rounds). And the first round's orders table, analyzed while it held only the
 * seed's orders, kept a sequential scan in the plans of the foreign-key checks into it: 13,504
 * scans reading 45 million rows in one round, a third more PostgreSQL time per checkout than the
 * rounds after. So the bench does what autovacuum would after each warm-up (the run's carts made,
 * its tables grown) and before pgbench, outside the measured time.
 */
async function maintainLikeAutovacuum(db: Db): Promise<void> {
  const started = Date.now()
  await sql`VACUUM (ANALYZE)`.execute(db)
  const { rows } = await sql<{ autovacuum: string }>`SELECT current_setting('autovacuum') AS autovacuum`.execute(db)
  log(
    `VACUUM (ANALYZE) in ${Date.now() - started} ms (autovacuum is ${rows[0]?.autovacuum ?? 'unknown'} on this server)`,
  )
  await checkpointBeforeRun(db)
}

/**
 * A checkpoint that falls inside a run makes that run write a full image of every page it next
 * touches: measured in the webhooks scenario, one run went from 0 to 7 full-page images per order
 * and its WAL per order from 27 to 69 kB, and which side it hit was chance. Started right after a
 * checkpoint, a run of seconds meets no timed one (checkpoint_timeout is minutes) and every run
 * pays the same images at its start. Needs superuser or pg_checkpoint; skipped, and said, otherwise.
 */
async function checkpointBeforeRun(db: Db): Promise<void> {
  const started = Date.now()
  try {
    await sql`CHECKPOINT`.execute(db)
    log(`CHECKPOINT in ${Date.now() - started} ms`)
  } catch (error) {
    log(`no CHECKPOINT before the run (${error instanceof Error ? error.message : String(error)})`)
  }
}

/**
 * pgbench's rate for the bare stock UPDATE of checkout on the hot SKU's row, with as many clients
 * as the benchmark has connections and as long as a run; `reserved` is put back afterwards.
 */
async function hotRowCeiling(db: Db, url: string, fixture: Fixture, results: ScenarioRuns[]): Promise<CeilingReport> {
  const hot = results.find((result) => result.name === HOT_SKU_SCENARIO)
  if (!hot) throw new Error(`no ${HOT_SKU_SCENARIO} scenario`)
  const row = { storeId: fixture.checkout.store.storeId, variantId: fixture.checkout.store.hotVariantId }
  const level = () =>
    db
      .selectFrom('inventory_level')
      .select('reserved')
      .where('store_id', '=', row.storeId)
      .where('variant_id', '=', row.variantId)
      .executeTakeFirstOrThrow()
  const before = await level()
  log(`pgbench: the checkout's stock UPDATE on the hot row, ${CONNECTIONS} clients, ${DURATION_SECONDS}s…`)
  try {
    const result = await measureHotRowCeiling(url, row, {
      seconds: DURATION_SECONDS,
      clients: CONNECTIONS,
      threads: 2,
    })
    log(result.kind === 'measured' ? `pgbench: ${result.ceiling.tps.toFixed(0)} tps` : `pgbench: ${result.reason}`)
    return { scenario: hot, result }
  } finally {
    const after = await level()
    await db
      .updateTable('inventory_level')
      .set({ reserved: before.reserved })
      .where('store_id', '=', row.storeId)
      .where('variant_id', '=', row.variantId)
      .execute()
    log(`pgbench: reserved put back from ${after.reserved} to ${before.reserved}`)
  }
}

/** BENCH_DATABASE_URL or DATABASE_URL as is, otherwise a fresh database on the local server. */
async function acquireDatabase(): Promise<string> {
  const given = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL
  if (given) {
    await (await connect(given)).end()
    return given
  }
  const admin = await connect(LOCAL_SERVER)
  const name = `comptoir_bench_${Date.now()}`
  await admin.query(`CREATE DATABASE ${name}`)
  log(`created database ${name}`)
  // Runs after the pool is destroyed (cleanups run in reverse); FORCE still ends any straggler.
  cleanups.push(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
    log(`dropped database ${name}`)
  })
  const url = new URL(LOCAL_SERVER)
  url.pathname = `/${name}`
  return url.toString()
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url })
  client.on('error', () => {})
  try {
    await client.connect()
    return client
  } catch (error) {
    throw new BenchError(
      `No PostgreSQL server answered at ${redacted(url)} (${messageOf(error)}).\n` +
        'Start one on 127.0.0.1:5432 (user postgres, trust auth), or set BENCH_DATABASE_URL to a database the benchmark may migrate and seed.',
    )
  }
}

function redacted(url: string): string {
  const parsed = new URL(url)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}

function transportOf(url: string): string {
  const socketDirectory = unixSocketDirectoryOf(new URL(url))
  return socketDirectory ? `Unix socket in ${socketDirectory}` : 'TCP'
}

async function serverVersion(db: Db): Promise<string> {
  const { rows } = await sql<{ server_version: string }>`SHOW server_version`.execute(db)
  return rows[0]?.server_version ?? 'unknown'
}

/** The store nearest the scenarios' point and three active variants, from the seeded data. */
async function findFixture(db: Db, fakeStripe: FakeStripe): Promise<Fixture> {
  const [store] = await findStoresPage(db, { near: NEAR, radiusKm: null, availableFor: null, limit: 1, offset: 0 })
  const variants = await db
    .selectFrom('variant')
    .select('id')
    .where('active', '=', true)
    .orderBy('sku')
    .limit(3)
    .execute()
  if (!store || variants.length < 3) throw new BenchError('the seeded database has no stores or too few variants')
  const cartVariants = await db
    .selectFrom('variant')
    .select('id')
    .where('active', '=', true)
    .orderBy('sku')
    .limit(CART_VARIANTS)
    .execute()
  return {
    storeId: store.id,
    variantIds: variants.map((variant) => variant.id),
    cartVariantIds: cartVariants.map((variant) => variant.id),
    pricedStores: await preparePricedStores(db, store.id),
    graphqlCarts: await createBenchCarts(db, CARTS_PER_SIDE),
    bareCarts: await createBenchCarts(db, CARTS_PER_SIDE),
    checkout: {
      store: await prepareCheckoutStore(db, store.id, CHECKOUT_DISTINCT_VARIANTS),
      createCarts: (variantIds, count) => createCheckoutCarts(db, variantIds, count),
      countOrders: (carts) => countOrdersOfCarts(db, carts),
      countOnlinePayments: async (carts) => {
        const payments = await findStripePaymentsOfCarts(db, carts)
        const matched = payments.filter((payment) => {
          const intent = payment.providerRef ? fakeStripe.intents.get(payment.providerRef) : undefined
          return payment.status === 'REQUIRES_ACTION' && intent?.metadata.payment_id === payment.id
        })
        return { payments: payments.length, matched: matched.length }
      },
      connections: CONNECTIONS,
    },
  }
}

/**
 * Serves `app` on a free loopback port. On the way out it also waits for in-flight requests:
 * autocannon stops at its deadline without waiting for answers, and a handler still running
 * would otherwise query a pool that has been destroyed.
 */
function listen(app: Hono): Promise<string> {
  const counted = new Hono()
  counted.use(async (_c, next) => {
    inFlight++
    try {
      await next()
    } finally {
      inFlight--
    }
  })
  counted.route('/', app)
  return new Promise((resolve) => {
    const server = serve({ fetch: counted.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
      resolve(`http://127.0.0.1:${info.port}`),
    )
    cleanups.push(async () => {
      const closed = new Promise<void>((done) => server.close(() => done()))
      if ('closeAllConnections' in server) server.closeAllConnections()
      await closed
      await drained()
    })
  })
}

/** The products scenario's GraphQL request: the listing the startup bench loads each server with. */
function productsListing(fixture: Fixture): HttpRequest {
  const products = scenarios(fixture).find((scenario) => scenario.key === 'products')
  if (!products || isFreshLoad(products.graphql)) throw new BenchError('no products scenario to load the servers with')
  return firstRequest(products.graphql)
}

/** Requests the server has received and not yet answered. */
let inFlight = 0

/** Waits (up to 5 s) until the server has answered every request it received. */
async function drained(): Promise<void> {
  for (let waited = 0; inFlight > 0 && waited < 5000; waited += 20) await delay(20)
}

/** What the check said, and the SQL statements of one request of each side, sent alone. */
interface ScenarioCheck {
  summary: string
  graphql: number
  bare: number
}

async function checkScenario(baseUrl: string, scenario: Scenario): Promise<ScenarioCheck> {
  const [graphqlLoad, bareLoad] = await Promise.all([sample(scenario.graphql), sample(scenario.bare)])
  // Repeatable reads are compared twice at most: the two answers come a few ms apart and may
  // straddle the minute a clock-derived field (the board's waitingMinutes) ticks over.
  const attempts = isFreshLoad(scenario.graphql) || isFreshLoad(scenario.bare) ? 1 : 2
  for (let attempt = 1; ; attempt++) {
    const graphql = await fetchCounted(baseUrl, firstRequest(graphqlLoad))
    const bare = await fetchCounted(baseUrl, firstRequest(bareLoad))
    const problem =
      graphql.status !== 200
        ? `GraphQL answered ${graphql.status}`
        : bare.status !== 200
          ? `the bare route answered ${bare.status}`
          : hasErrors(graphql.body)
            ? 'GraphQL answered with errors'
            : null
    if (problem) {
      throw new BenchError(
        `${scenario.name}: ${problem}\nGraphQL: ${JSON.stringify(graphql.body).slice(0, 500)}\nbare: ${JSON.stringify(bare.body).slice(0, 500)}`,
      )
    }
    try {
      const summary = scenario.check(graphql.body, bare.body)
      return { summary, graphql: graphql.statements, bare: bare.statements }
    } catch (error) {
      if (attempt >= attempts) throw new BenchError(`${scenario.name}: ${messageOf(error)}`)
    }
  }
}

async function fetchCounted(baseUrl: string, request: HttpRequest) {
  const { result, statements: count } = await statements.during(() => fetchOnce(baseUrl, request))
  return { ...result, statements: count }
}

function hasErrors(body: unknown): boolean {
  return typeof body !== 'object' || body === null || 'errors' in body
}

/** A load to try once before measuring; a fresh load makes one request for it. */
async function sample(load: Load | FreshLoad): Promise<Load> {
  return isFreshLoad(load) ? (await load.prepare(1)).load : load
}

/**
 * A warm-up, then the measured run. A fresh load is prepared for both before the warm-up (so the
 * warm-up also absorbs the after-effects of writing its rows), the tables are vacuumed and
 * analyzed after the warm-up, and each run is checked once the server has answered everything it
 * received.
 */
async function run(
  db: Db,
  baseUrl: string,
  load: Load | FreshLoad,
  label: string,
  { warmUp: warmsUp }: { warmUp: boolean } = { warmUp: true },
): Promise<{ stats: RunStats; check: RunCheck | null }> {
  const options = { connections: CONNECTIONS }
  if (!isFreshLoad(load)) {
    await measure(baseUrl, load, { ...options, durationSeconds: WARM_UP_SECONDS })
    await maintainLikeAutovacuum(db)
    const stats = await measure(baseUrl, load, { ...options, durationSeconds: DURATION_SECONDS })
    logRun(label, stats, null)
    return { stats, check: null }
  }
  const started = Date.now()
  // Without a warm-up for a load whose requests use something up (a limited code's uses).
  const warmUp = warmsUp ? await load.prepare(freshRequestsFor(WARM_UP_SECONDS)) : null
  const measured = await load.prepare(freshRequestsFor(DURATION_SECONDS))
  const preparedMs = Date.now() - started
  let warmUpCheck: RunCheck = { ok: true, summary: 'no warm-up' }
  if (warmUp) {
    const warmUpStats = await measure(baseUrl, warmUp.load, { ...options, durationSeconds: WARM_UP_SECONDS })
    await drained()
    warmUpCheck = await warmUp.verify(warmUpStats)
  }
  await maintainLikeAutovacuum(db)
  const stats = await measure(baseUrl, measured.load, { ...options, durationSeconds: DURATION_SECONDS })
  await drained()
  const check = await measured.verify(stats)
  if (!warmUpCheck.ok) log(`${label}: warm-up check failed: ${warmUpCheck.summary}`)
  logRun(label, stats, `${check.summary}${check.ok ? '' : ' (MISMATCH)'}; prepared in ${preparedMs} ms`)
  return {
    stats,
    check: warmUpCheck.ok ? check : { ok: false, summary: `${check.summary}; warm-up: ${warmUpCheck.summary}` },
  }
}

function freshRequestsFor(seconds: number): number {
  return Math.ceil(MAX_CHECKOUT_RATE * seconds) + 2 * CONNECTIONS
}

function logRun(label: string, stats: RunStats, note: string | null): void {
  const failures = stats.non2xx + stats.errors > 0 ? `, ${stats.non2xx} non-2xx, ${stats.errors} errors` : ''
  const suffix = note ? `; ${note}` : ''
  const cpu = stats.cpu
    ? `; CPU ms/request: main thread ${stats.cpu.mainMs.toFixed(2)}, other threads ${stats.cpu.otherThreadsMs.toFixed(2)}, PostgreSQL ${stats.cpu.postgresMs.toFixed(2)}, idle ${stats.cpu.idleMs.toFixed(2)}`
    : ''
  log(
    `${label}: ${stats.requestsPerSecond.toFixed(0)} req/s, p50 ${stats.p50Ms} ms, p99 ${stats.p99Ms} ms${failures}${suffix}${cpu}`,
  )
}

function command(): string {
  const overrides = ['NODE_ENV', 'BENCH_ROUNDS', 'BENCH_DURATION', 'BENCH_FANOUT_ORDERS']
    .filter((name) => process.env[name])
    .map((name) => `${name}=${process.env[name]} `)
  const database = process.env.BENCH_DATABASE_URL
    ? 'BENCH_DATABASE_URL=… '
    : process.env.DATABASE_URL
      ? 'DATABASE_URL=… '
      : ''
  const args = process.argv.slice(2)
  return `${overrides.join('')}${database}npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`
}

function positiveIntFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] || fallback)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`)
  return value
}

async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup()
    } catch (error) {
      process.stderr.write(`cleanup failed: ${messageOf(error)}\n`)
    }
  }
}

function log(message: string): void {
  process.stderr.write(`${message}\n`)
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

process.once('SIGINT', () => {
  log('interrupted; cleaning up')
  void cleanUp().finally(() => process.exit(130))
})

main()
  .then(cleanUp)
  .catch(async (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof BenchError ? error.message : String(error)}\n`)
    if (!(error instanceof BenchError) && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`)
    await cleanUp()
    process.exitCode = 1
  })
