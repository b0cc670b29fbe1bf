import { readFileSync } from 'node:fs'
import { setTimeout as delay } from 'node:timers/promises'
import type { Db } from '../src/db/create-db.js'
import { redisOnFreePort, type ServerProcess, startServerProcess } from '../test/helpers/server-process.js'
import type { CheckoutStore } from './checkout-fixture.js'
import { type FanoutPlan, type FanoutRun, runFanout, summary } from './fanout.js'
import { phaseStats } from './fanout-report.js'

export interface InstancesFanoutRun {
  /** How the instances were deployed and where the checkouts and the subscribers went. */
  setup: string
  run: FanoutRun
  /**
   * CPU seconds (user + system) the instances spent during the run: the subscribers' instance,
   * and the checkouts' when it is another. Less at the mercy of a shared machine than latencies.
   */
  cpu: { subscribers: number; checkouts: number | null }
}

export interface InstancesFanoutReport {
  plan: FanoutPlan
  runs: InstancesFanoutRun[]
}

export interface InstancesFanoutDeps {
  db: Db
  databaseUrl: string
  jwtSecret: string
  store: CheckoutStore
  staffToken: string
  log(message: string): void
}

/**
 * The board's fan-out across processes: src/server.ts instances (tsx, as `npm start` runs them)
 * on the bench's database, the scheduler off as in the in-process fan-out. First one instance
 * with its in-process pub/sub, then two sharing a Redis started here: orders placed on one and
 * subscribers on the same, then on the other. The same plan and subscriber count for each.
 */
export async function measureInstancesFanout(
  deps: InstancesFanoutDeps,
  plan: FanoutPlan,
  subscribers: number,
): Promise<InstancesFanoutReport> {
  const runs: InstancesFanoutRun[] = []
  const measure = async (setup: string, servers: { subscribe: ServerProcess; checkout: ServerProcess }) => {
    const apart = servers.subscribe !== servers.checkout
    const before = [cpuSeconds(servers.subscribe.pid), cpuSeconds(servers.checkout.pid)]
    const run = await runFanout(deps, plan, subscribers, {
      subscribe: servers.subscribe.url,
      checkout: servers.checkout.url,
    })
    const cpu = {
      subscribers: cpuSeconds(servers.subscribe.pid) - (before[0] ?? 0),
      checkouts: apart ? cpuSeconds(servers.checkout.pid) - (before[1] ?? 0) : null,
    }
    deps.log(`fan-out across instances, ${setup}: ${summary(run)}; CPU ${JSON.stringify(cpu)}`)
    runs.push({ setup, run, cpu })
  }
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: deps.databaseUrl,
    JWT_SECRET: deps.jwtSecret,
    PAYMENT_PROVIDER: 'offline',
    MIGRATE_ON_START: 'false',
    SEED_ON_START: 'false',
    SCHEDULER_ENABLED: 'false',
    RATE_LIMIT_REQUESTS_PER_MINUTE: '0',
  }

  const alone = await startServerProcess(env)
  try {
    await outboxDrained(deps.db)
    await measure('one instance, in-process pub/sub: checkout and board on it', both(alone))
  } finally {
    await alone.stop()
  }

  const redis = await redisOnFreePort()
  await redis.start()
  const servers: ServerProcess[] = []
  try {
    for (let index = 0; index < 2; index++) servers.push(await startServerProcess({ ...env, REDIS_URL: redis.url }))
    const [a, b] = servers as [ServerProcess, ServerProcess]
    await Promise.all(servers.map((server) => server.waitForLog(/live updates go through redis/)))
    await outboxDrained(deps.db)
    await measure('two instances over Redis: checkout and board on A', both(a))
    await measure('two instances over Redis: checkout on A, board on B', { checkout: a, subscribe: b })
  } finally {
    await Promise.all(servers.map((server) => server.stop()))
    await redis.stop()
  }
  return { plan, runs }
}

const both = (server: ServerProcess) => ({ checkout: server, subscribe: server })

const CLOCK_TICKS_PER_SECOND = 100

/** User + system CPU time of a process so far, from /proc (Linux, where the bench runs). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime
  // are the 14th and 15th fields of the line, the 12th and 13th after the name.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND
}

/** The earlier scenarios' events go out first, so that no run waits behind them. */
async function outboxDrained(db: Db): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const row = await db
      .selectFrom('outbox_event')
      .select((eb) => eb.fn.countAll<string>().as('pending'))
      .where('published_at', 'is', null)
      .executeTakeFirstOrThrow()
    if (Number(row.pending) === 0) return
    await delay(100)
  }
  throw new Error('the instances left outbox events unpublished for a minute')
}

export function renderInstancesFanout(report: InstancesFanoutReport | null): string[] {
  if (!report) return []
  const [baseline] = report.runs
  const ms = (value: number) => value.toFixed(1)
  const rows = report.runs.flatMap(({ setup, run, cpu }) =>
    (['sequential', 'burst'] as const).map((phase) => {
      const stats = phaseStats(run, phase, Number.POSITIVE_INFINITY)
      const base = baseline ? phaseStats(baseline.run, phase, Number.POSITIVE_INFINITY) : stats
      const cells = [
        setup,
        phase === 'sequential' ? 'one at a time' : `bursts of ${report.plan.burst}`,
        stats.orders,
        stats.deliveries,
        stats.missed,
        ms(stats.afterResponse.p50),
        ms(stats.afterPlaced.p50),
        `**${ms(stats.afterPlaced.p99)}**`,
        ms(stats.afterStart.p50),
        ms(stats.afterStart.p99),
        ms(stats.afterResponse.max),
        `${(stats.afterStart.p99 / base.afterStart.p99).toFixed(2)}×`,
        phase === 'sequential' ? cpuCell(cpu) : '″',
      ]
      return `| ${cells.join(' | ')} |`
    }),
  )
  const crossing = report.runs.at(-1)
  const target = (['sequential', 'burst'] as const).map((phase) => {
    const p99 = crossing ? phaseStats(crossing.run, phase, Number.POSITIVE_INFINITY).afterPlaced.p99 : Number.NaN
    return `${phase === 'sequential' ? 'one at a time' : 'in bursts'} ${ms(p99)} ms (${p99 < 100 ? 'met' : 'missed'})`
  })
  const subscribers = baseline?.run.subscribers ?? 0
  return [
    '',
    '## Fan-out across instances: checkout on A → storeQueueUpdated on B, over Redis',
    '',
    `- src/server.ts processes (tsx) on the bench's database, scheduler off; ${subscribers} SSE subscribers on the busy store's board (the board's fields), a shopper placing orders through checkoutPlaceOrder, both in a worker thread of the bench. First one instance with the in-process pub/sub (no REDIS_URL), then two instances sharing a redis-server started by the bench (REDIS_URL), the subscribers on A, then on B`,
    `- ${report.plan.orders} orders one at a time, then ${report.plan.orders} in bursts of ${report.plan.burst}, per setup, over every (order × subscriber) delivery: "after placed" = arrival − the order's createdAt (the database's now() in the checkout transaction, which commits later: an upper bound on commit → screen); "after answer" = arrival − the checkout's answer (after the commit: a lower bound); "after start" = arrival − the checkout request sent (adds the request's queueing and the checkout's own work, ten at once on two cores); ratio = p99 after start ÷ the one-instance figure of the same phase`,
    `- Target: delivery p99 < 100 ms from an order placed on A to the boards on B, taken as "after placed". Measured: ${target.join('; ')}`,
    '',
    '| setup | checkouts | orders | deliveries | missed | after answer p50 ms | after placed p50 | after placed p99 | after start p50 | after start p99 | max after answer | p99 after start ÷ one instance | CPU s, both phases: board instance (+ checkout instance) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    ...report.runs.map(
      ({ setup, run }) =>
        `- ${setup}: ${run.ordersInDb} orders in the database from ${run.outcome.orders.length} checkouts and ${run.outcome.probesPlaced} probes; ${run.outcome.duplicates} duplicates, ${run.outcome.problems.length + run.outcome.unexpected.length} problems`,
    ),
    ...report.runs.flatMap(({ setup, run }) =>
      [...run.outcome.problems, ...run.outcome.unexpected].map((issue) => `- ${setup}: PROBLEM ${issue}`),
    ),
  ]
}

function cpuCell(cpu: InstancesFanoutRun['cpu']): string {
  return cpu.checkouts === null
    ? cpu.subscribers.toFixed(1)
    : `${cpu.subscribers.toFixed(1)} (+ ${cpu.checkouts.toFixed(1)})`
}
