import type { FanoutReport, FanoutRun } from './fanout.js'
import type { OrderTiming } from './fanout-client.js'

export interface PhaseStats {
  subscribers: number
  phase: OrderTiming['phase']
  orders: number
  deliveries: number
  missed: number
  checkoutP50: number
  /** Arrival − the moment the checkout's answer was read; negative: it arrived first. */
  afterResponse: { p50: number; p99: number; max: number }
  /** Arrival − the moment the checkout request started. */
  afterStart: { p50: number; p99: number; max: number }
  /** Arrival − the order's createdAt: from the checkout transaction's start, so at least its commit. */
  afterPlaced: { p50: number; p99: number; max: number }
  beforeResponse: number
  /** Deliveries later than one poll interval after the answer, when the wake seems not to have helped. */
  overPoll: number
}

export function phaseStats(run: FanoutRun, phase: OrderTiming['phase'], pollMs: number): PhaseStats {
  const orders = run.outcome.orders.filter((order) => order.phase === phase)
  const afterResponse: number[] = []
  const afterStart: number[] = []
  const afterPlaced: number[] = []
  let missed = 0
  for (const order of orders) {
    for (const arrival of order.arrivals) {
      if (arrival === null) missed++
      else {
        afterResponse.push(arrival - order.answeredAt)
        afterStart.push(arrival - order.startedAt)
        if (order.placedAt !== null) afterPlaced.push(arrival - order.placedAt)
      }
    }
  }
  const spread = (values: number[]) => ({
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: Math.max(...values),
  })
  return {
    subscribers: run.subscribers,
    phase,
    orders: orders.length,
    deliveries: afterResponse.length,
    missed,
    checkoutP50: percentile(
      orders.map((order) => order.answeredAt - order.startedAt),
      50,
    ),
    afterResponse: spread(afterResponse),
    afterStart: spread(afterStart),
    afterPlaced: spread(afterPlaced),
    beforeResponse: afterResponse.filter((ms) => ms < 0).length,
    overPoll: afterResponse.filter((ms) => ms > pollMs).length,
  }
}

/**
 * Any delivery missed or duplicated, any event garbled, any client problem, or orders in the
 * database other than one per checkout sent (probes included).
 */
export function hasFanoutFailures(report: Pick<FanoutReport, 'runs'>): boolean {
  return report.runs.some(
    (run) =>
      run.outcome.problems.length + run.outcome.unexpected.length + run.outcome.duplicates > 0 ||
      run.outcome.orders.some((order) => order.arrivals.includes(null)) ||
      run.ordersInDb !== run.outcome.orders.length + run.outcome.probesPlaced,
  )
}

/** Nearest-rank percentile; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!
}

export function renderFanout(report: FanoutReport | null): string[] {
  if (!report) return []
  const { plan } = report
  const stats = report.runs.flatMap((run) =>
    (['sequential', 'burst'] as const).map((phase) => phaseStats(run, phase, report.pollMs)),
  )
  const ms = (value: number) => value.toFixed(1)
  const rows = stats.map((each) => {
    const phase = each.phase === 'sequential' ? 'one at a time' : `bursts of ${plan.burst}`
    const cells = [
      each.subscribers,
      phase,
      each.orders,
      each.deliveries,
      each.missed,
      ms(each.checkoutP50),
      ms(each.afterResponse.p50),
      ms(each.afterResponse.p99),
      ms(each.afterStart.p50),
      ms(each.afterStart.p99),
      ms(each.afterResponse.max),
      each.beforeResponse,
      each.overPoll,
    ]
    return `| ${cells.join(' | ')} |`
  })
  const [baseline, ...others] = report.runs
  const ratios = baseline
    ? others.flatMap((run) =>
        (['sequential', 'burst'] as const).map((phase) => {
          const base = phaseStats(baseline, phase, report.pollMs)
          const this_ = phaseStats(run, phase, report.pollMs)
          return `- ${run.subscribers} vs ${baseline.subscribers} subscriber(s), ${phase}: p50 after the request started ${ms(this_.afterStart.p50)} / ${ms(base.afterStart.p50)} ms = **${(this_.afterStart.p50 / base.afterStart.p50).toFixed(2)}×**; p99 ${ms(this_.afterStart.p99)} / ${ms(base.afterStart.p99)} ms = ${(this_.afterStart.p99 / base.afterStart.p99).toFixed(2)}×`
        }),
      )
    : []
  const issues = report.runs.flatMap((run) => [
    ...run.outcome.problems.map((problem) => `- ${run.subscribers} subscribers: PROBLEM ${problem}`),
    ...run.outcome.unexpected.map((event) => `- ${run.subscribers} subscribers: UNEXPECTED ${event}`),
    ...(run.outcome.duplicates > 0
      ? [`- ${run.subscribers} subscribers: ${run.outcome.duplicates} DUPLICATE deliveries`]
      : []),
  ])
  return [
    '',
    "## Fan-out: checkout → storeQueueUpdated on the busy store's board",
    '',
    `- The busy store's manager holds N SSE subscriptions to storeQueueUpdated (the board's fields); a shopper places orders there through checkoutPlaceOrder (GraphQL, pay at pickup). Both run in a worker thread; the server runs its outbox dispatcher as src/server.ts does (poll every ${report.pollMs} ms, woken after each mutation; the scheduler off), pool of ${report.poolMax} connections`,
    `- ${plan.orders} orders one at a time (the next once all deliveries of the last arrived, or after ${plan.settleMs} ms), then ${plan.orders} in bursts of ${plan.burst} concurrent checkouts (the next burst likewise); after ${report.backlog} earlier outbox events were published and probe orders showed every stream live`,
    '- Over every (order × subscriber) delivery: "after answer" = arrival − the checkout answer read by the shopper, "after start" = arrival − the checkout request sent; missed = never arrived (waited for up to the settle time again at the end)',
    '',
    '| subscribers | checkouts | orders | deliveries | missed | checkout p50 ms | after answer p50 | p99 | after start p50 | p99 | max after answer | before answer | later than a poll |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    ...ratios,
    ...report.runs.map(
      (run) =>
        `- ${run.subscribers} subscribers: ${run.ordersInDb} orders in the database from ${run.outcome.orders.length} checkouts and ${run.outcome.probesPlaced} probes`,
    ),
    ...issues,
  ]
}
