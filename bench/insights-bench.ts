import { sql } from 'kysely'
import type { Db } from '../src/db/create-db.js'
import { bucketOfSecondsSql } from '../src/modules/insights/insight-buckets.js'
import { packedSamplesSql } from '../src/modules/insights/insight-histogram.js'
import { fetchOnce, type HttpRequest, measure, type RunStats } from './measure.js'

export const INSIGHT_ORDERS = 1_000_000
const DAYS = 365
const FIRST_DAY = '2025-12-01'
const GROUPINGS = ['DAY', 'WEEK', 'STORE', 'CHANNEL'] as const

export interface InsightsReport {
  orders: number
  stores: number
  rollupRows: { orders: number; durations: number; carts: number }
  generateSeconds: number
  runs: { groupBy: (typeof GROUPINGS)[number]; rows: number; stats: RunStats[] }[]
}

/**
 * Generates a year of orders across the demo stores with generate_series (one row per order in a
 * temporary table: store, channel, day, outcome, durations), then rolls them up into the insight
 * tables with the buckets of insight-buckets.ts. The orders themselves are not written to
 * sales_order: what is measured is the query over the rollups, which is all `insights` reads.
 */
export async function generateInsightRollups(db: Db): Promise<Omit<InsightsReport, 'runs'>> {
  const started = performance.now()
  await sql`TRUNCATE insight_order_daily, insight_duration_daily, insight_cart_daily`.execute(db)
  await db.transaction().execute(async (trx) => {
    await sql`SELECT setseed(0.17)`.execute(trx)
    await sql`
      CREATE TEMP TABLE generated_order ON COMMIT DROP AS
      SELECT (${FIRST_DAY}::date + (g % ${DAYS}))::date AS day, s.id AS store_id,
        (ARRAY['WEB','APP','KIOSK','POS'])[1 + floor(random() * 4)::int] AS channel,
        1000 + floor(random() * 9000)::int AS total_minor, random() AS outcome, random() AS extra,
        exp(ln(900) + (random() + random() + random() - 1.5) * 1.5) AS prepare_seconds,
        exp(ln(90) + (random() + random() + random() - 1.5) * 1.5) AS wait_seconds
      FROM generate_series(0, ${INSIGHT_ORDERS - 1}) AS g
      JOIN (SELECT id, row_number() OVER (ORDER BY code) - 1 AS n, count(*) OVER () AS stores FROM store) s
        ON s.n = (g / ${DAYS}) % s.stores`.execute(trx)
    // POS rows are till sales (collected at once); the rest checkout orders with their outcomes.
    await sql`
      INSERT INTO insight_order_daily (day, store_id, channel, currency_code, orders_placed, cross_device, pos_sales,
        basket_minor, ready, ready_before_slot, collected, revenue_minor, expired, cancelled, returned)
      SELECT day, store_id, channel, 'EUR',
        count(*) FILTER (WHERE channel <> 'POS'),
        count(*) FILTER (WHERE channel <> 'POS' AND extra < 0.2),
        count(*) FILTER (WHERE channel = 'POS'),
        sum(total_minor),
        count(*) FILTER (WHERE channel <> 'POS' AND outcome >= 0.05),
        count(*) FILTER (WHERE channel <> 'POS' AND outcome >= 0.05 AND extra < 0.9),
        count(*) FILTER (WHERE channel = 'POS' OR outcome >= 0.1),
        coalesce(sum(total_minor) FILTER (WHERE channel = 'POS' OR outcome >= 0.1), 0),
        count(*) FILTER (WHERE channel <> 'POS' AND outcome >= 0.05 AND outcome < 0.1),
        count(*) FILTER (WHERE channel <> 'POS' AND outcome < 0.05),
        count(*) FILTER (WHERE (channel = 'POS' OR outcome >= 0.1) AND extra > 0.97)
      FROM generated_order GROUP BY 1, 2, 3`.execute(trx)
    const bucket = (column: string) => bucketOfSecondsSql(sql.ref(column))
    // Each bucket's count packed as the projection packs it, then added up per day's histogram.
    await sql`
      INSERT INTO insight_duration_daily (day, store_id, channel, metric, histogram)
      SELECT day, store_id, channel, metric, sum(${packedSamplesSql(sql`bucket`, sql`samples`)}) FROM (
        SELECT day, store_id, channel, 1 AS metric, ${bucket('prepare_seconds')} AS bucket, count(*) AS samples
        FROM generated_order WHERE channel <> 'POS' AND outcome >= 0.05 GROUP BY 1, 2, 3, 5
        UNION ALL
        SELECT day, store_id, channel, 2, ${bucket('wait_seconds')}, count(*)
        FROM generated_order WHERE channel <> 'POS' AND outcome >= 0.1 AND extra < 0.6 GROUP BY 1, 2, 3, 5
      ) buckets GROUP BY 1, 2, 3, 4`.execute(trx)
    // Carts: about two and a half per order placed, on the channel it was placed on.
    await sql`
      INSERT INTO insight_cart_daily (day, store_id, channel, carts_started)
      SELECT day, store_id, channel, round(count(*) * 2.5)::int
      FROM generated_order WHERE channel <> 'POS' GROUP BY 1, 2, 3`.execute(trx)
  })
  await sql`ANALYZE insight_order_daily, insight_duration_daily, insight_cart_daily`.execute(db)
  const counts = await sql<{ orders: number; durations: number; carts: number; stores: number }>`
    SELECT (SELECT count(*) FROM insight_order_daily)::int AS orders,
      (SELECT count(*) FROM insight_duration_daily)::int AS durations,
      (SELECT count(*) FROM insight_cart_daily)::int AS carts,
      (SELECT count(*) FROM store)::int AS stores`.execute(db)
  const row = counts.rows[0]!
  return {
    orders: INSIGHT_ORDERS,
    stores: row.stores,
    rollupRows: { orders: row.orders, durations: row.durations, carts: row.carts },
    generateSeconds: (performance.now() - started) / 1000,
  }
}

/** The `insights` query for the year, grouped each way, one connection at a time, over HTTP. */
export async function measureInsights(
  db: Db,
  baseUrl: string,
  options: { rounds: number; durationSeconds: number; log: (message: string) => void },
): Promise<InsightsReport> {
  const generated = await generateInsightRollups(db)
  options.log(`insights: rollups of ${INSIGHT_ORDERS} orders generated in ${generated.generateSeconds.toFixed(1)} s`)
  const signIn = await fetchOnce(baseUrl, {
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($input: StaffSignInInput!) { staffSignIn(input: $input) { accessToken } }',
      variables: { input: { email: 'admin@comptoir.dev', password: 'comptoir-admin' } },
    }),
  })
  const token = (signIn.body as { data: { staffSignIn: { accessToken: string } } }).data.staffSignIn.accessToken
  const lastDay = new Date(`${FIRST_DAY}T00:00:00Z`)
  lastDay.setUTCDate(lastDay.getUTCDate() + DAYS - 1)
  const runs: InsightsReport['runs'] = []
  for (const groupBy of GROUPINGS) {
    const request: HttpRequest = {
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: `query($from: String!, $to: String!, $groupBy: InsightGrouping!) {
          insights(from: $from, to: $to, groupBy: $groupBy) { period store { code } channel cartsStarted ordersPlaced
            posSales conversion crossDeviceShare averageBasket { amountMinor currencyCode } revenue { amountMinor }
            revenueByChannel { channel revenue { amountMinor } } placedToReady { p50Seconds p90Seconds }
            readyBeforeSlotShare counterWait { p50Seconds p90Seconds } noShowShare cancellations returnsRate } }`,
        variables: { from: FIRST_DAY, to: lastDay.toISOString().slice(0, 10), groupBy },
      }),
    }
    const answer = await fetchOnce(baseUrl, request)
    const rows = (answer.body as { data?: { insights: unknown[] } }).data?.insights
    if (answer.status !== 200 || !rows) throw new Error(`insights ${groupBy} failed: ${JSON.stringify(answer.body)}`)
    const stats: RunStats[] = []
    for (let round = 1; round <= options.rounds; round++) {
      stats.push(await measure(baseUrl, request, { connections: 1, durationSeconds: options.durationSeconds }))
      const last = stats[stats.length - 1]!
      options.log(
        `insights ${groupBy} round ${round}: p50 ${last.p50Ms} ms, p99 ${last.p99Ms} ms, ${last.requests} requests`,
      )
    }
    runs.push({ groupBy, rows: rows.length, stats })
  }
  return { ...generated, runs }
}

export function renderInsights(report: InsightsReport, environment: string[]): string {
  const lines = [
    '# Insights query latency',
    '',
    ...environment,
    '',
    `${report.orders.toLocaleString('en')} orders generated over ${DAYS} days across ${report.stores} demo stores and 4 channels`,
    `(\`bench/insights-bench.ts\`: generate_series into a temporary table, rolled up straight into the insight tables,`,
    `not through sales_order and the backfill; ${report.generateSeconds.toFixed(1)} s). Rollup rows: ${report.rollupRows.orders} order-days,`,
    `${report.rollupRows.durations} duration histograms, ${report.rollupRows.carts} cart-days.`,
    '',
    'The `insights` query for the whole year, as an admin (every store), over HTTP, one connection,',
    'each round 8 s; p50/p99 per round in ms.',
    '',
    '| groupBy | rows answered | p50 (rounds) | p99 (rounds) | req/s (median round) |',
    '|---|---|---|---|---|',
  ]
  for (const run of report.runs) {
    const p50 = run.stats.map((s) => s.p50Ms).join(' / ')
    const p99 = run.stats.map((s) => s.p99Ms).join(' / ')
    const rps = [...run.stats.map((s) => s.requestsPerSecond)].sort((a, b) => a - b)[Math.floor(run.stats.length / 2)]
    lines.push(`| ${run.groupBy} | ${run.rows} | ${p50} | ${p99} | ${rps?.toFixed(1)} |`)
  }
  return `${lines.join('\n')}\n`
}
