import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { Channel } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { packedSamplesSql } from './insight-histogram.js'

export interface CartStartCount {
  cart_id: string
  day: string
  store_id: string | null
  channel: Channel
}

/**
 * Counts carts started that the ledger has not seen yet and moves those it counted before any
 * store was known to the store they now have, in one statement: each cart adds exactly one to
 * the rollups, wherever it ends up.
 */
export async function countCartStarts(trx: Trx, starts: readonly CartStartCount[]): Promise<void> {
  if (starts.length === 0) return
  await sql`
    WITH started AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(starts)}::jsonb)
        AS s(cart_id uuid, day date, store_id uuid, channel text)
    ), fresh AS (
      INSERT INTO insight_cart_seen (cart_id, day, store_id, channel)
      SELECT cart_id, day, store_id, channel FROM started ORDER BY cart_id
      ON CONFLICT DO NOTHING
      RETURNING day, store_id, channel
    ), moved AS (
      -- Sees only rows committed before this statement: a cart inserted just above is not moved.
      -- Its day moves too: counted under no store on the UTC day, it counts on its store's local
      -- day (started.day), which differs for a cart started late in the evening in Paris (before,
      -- the row as it was, gives the day to take it from).
      UPDATE insight_cart_seen seen SET store_id = started.store_id, day = started.day
      FROM started, insight_cart_seen before
      WHERE seen.cart_id = started.cart_id AND before.cart_id = seen.cart_id
        AND seen.store_id IS NULL AND started.store_id IS NOT NULL
      RETURNING before.day AS old_day, seen.day AS new_day, seen.channel, started.store_id
    ), deltas AS (
      SELECT day, store_id, channel, 1 AS delta FROM fresh
      UNION ALL SELECT old_day, NULL::uuid, channel, -1 FROM moved
      UNION ALL SELECT new_day, store_id, channel, 1 FROM moved
    )
    INSERT INTO insight_cart_daily AS d (day, store_id, channel, carts_started)
    SELECT day, store_id, channel, sum(delta) FROM deltas
    GROUP BY day, store_id, channel
    ORDER BY day, store_id, channel
    ON CONFLICT ON CONSTRAINT insight_cart_daily_key
      DO UPDATE SET carts_started = d.carts_started + excluded.carts_started`.execute(trx)
}

/**
 * The milestones already counted for these orders, their ledger rows created if missing and
 * locked (in id order, so two claims cannot deadlock) until the caller's commit.
 */
export async function lockOrderLedger(trx: Trx, orderIds: readonly string[]): Promise<Map<string, number>> {
  if (orderIds.length === 0) return new Map()
  const ids = [...orderIds].sort()
  await sql`
    INSERT INTO insight_order_seen (order_id)
    SELECT unnest(${ids}::uuid[]) ORDER BY 1
    ON CONFLICT DO NOTHING`.execute(trx)
  const rows = await trx
    .selectFrom('insight_order_seen')
    .select(['order_id', 'counted'])
    .where('order_id', 'in', ids)
    .orderBy('order_id')
    .forUpdate()
    .execute()
  return new Map(rows.map((row) => [row.order_id, row.counted]))
}

export interface OrderCountsRow {
  day: string
  store_id: string
  channel: Channel
  currency_code: string
  orders_placed: number
  cross_device: number
  pos_sales: number
  basket_minor: number
  ready: number
  ready_before_slot: number
  collected: number
  revenue_minor: number
  expired: number
  cancelled: number
  returned: number
}

export interface DurationSamplesRow {
  day: string
  store_id: string
  channel: Channel
  metric: number
  bucket: number
  samples: number
}

/**
 * Adds what the milestones counted to their days' rows and marks them counted in the ledger, in
 * one statement. Each key appears once in `counts` and `samples` (the caller sums them), sorted,
 * so concurrent claims take the rollup rows' locks in one order; a day's buckets become one
 * histogram (insight-histogram.ts) added to the day's.
 */
export async function addOrderMilestones(
  trx: Trx,
  change: {
    marks: readonly { order_id: string; counted: number }[]
    counts: readonly OrderCountsRow[]
    samples: readonly DurationSamplesRow[]
  },
): Promise<void> {
  if (change.marks.length === 0) return
  await sql`
    WITH marked AS (
      UPDATE insight_order_seen s SET counted = m.counted
      FROM jsonb_to_recordset(${JSON.stringify(change.marks)}::jsonb) AS m(order_id uuid, counted integer)
      WHERE s.order_id = m.order_id
    ), counted AS (
      INSERT INTO insight_order_daily AS d (day, store_id, channel, currency_code, orders_placed, cross_device,
        pos_sales, basket_minor, ready, ready_before_slot, collected, revenue_minor, expired, cancelled, returned)
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(change.counts)}::jsonb) AS c(day date, store_id uuid,
        channel text, currency_code text, orders_placed integer, cross_device integer, pos_sales integer,
        basket_minor bigint, ready integer, ready_before_slot integer, collected integer, revenue_minor bigint,
        expired integer, cancelled integer, returned integer)
      ON CONFLICT (day, store_id, channel, currency_code) DO UPDATE SET
        orders_placed = d.orders_placed + excluded.orders_placed,
        cross_device = d.cross_device + excluded.cross_device,
        pos_sales = d.pos_sales + excluded.pos_sales,
        basket_minor = d.basket_minor + excluded.basket_minor,
        ready = d.ready + excluded.ready,
        ready_before_slot = d.ready_before_slot + excluded.ready_before_slot,
        collected = d.collected + excluded.collected,
        revenue_minor = d.revenue_minor + excluded.revenue_minor,
        expired = d.expired + excluded.expired,
        cancelled = d.cancelled + excluded.cancelled,
        returned = d.returned + excluded.returned
    )
    INSERT INTO insight_duration_daily AS h (day, store_id, channel, metric, histogram)
    SELECT day, store_id, channel, metric, sum(${packedSamplesSql(sql`bucket`, sql`samples`)})
    FROM jsonb_to_recordset(${JSON.stringify(change.samples)}::jsonb) AS x(day date, store_id uuid,
      channel text, metric smallint, bucket smallint, samples integer)
    GROUP BY day, store_id, channel, metric
    ORDER BY day, store_id, channel, metric
    ON CONFLICT (day, store_id, channel, metric) DO UPDATE SET histogram = h.histogram + excluded.histogram`.execute(
    trx,
  )
}

/** Empties the rollups and their ledger, for a rebuild from the orders and carts. */
export async function clearRollups(trx: Trx): Promise<void> {
  await sql`TRUNCATE insight_cart_seen, insight_order_seen, insight_cart_daily, insight_order_daily,
    insight_duration_daily`.execute(trx)
}

export type InsightGrouping = 'DAY' | 'WEEK' | 'STORE' | 'CHANNEL'

/**
 * The group's key, computed per rollup row: kept to plain column reads and integer date
 * arithmetic (a year is some 13,000 histogram rows), and printed as text only once grouped.
 */
const GROUP_KEY: Record<InsightGrouping, string> = {
  DAY: 'day',
  WEEK: '(day - (extract(isodow FROM day)::integer - 1))',
  STORE: 'store_id',
  CHANNEL: 'channel',
}

/** The grouped key as text; null only for carts started before any store was chosen. */
const KEY_TEXT: Record<InsightGrouping, string> = {
  DAY: `to_char(key, 'YYYY-MM-DD')`,
  WEEK: `to_char(key, 'YYYY-MM-DD')`,
  STORE: 'key::text',
  CHANNEL: 'key',
}

export interface RollupScope {
  from: string
  to: string
  /** null: every store, and carts with no store chosen. */
  storeIds: readonly string[] | null
  groupBy: InsightGrouping
}

function scopeFilter(scope: RollupScope) {
  const stores = scope.storeIds === null ? sql`` : sql`AND store_id = ANY(${[...scope.storeIds]}::uuid[])`
  return sql`day BETWEEN ${scope.from}::date AND ${scope.to}::date ${stores}`
}

export async function sumCartStarts(db: Db, scope: RollupScope) {
  const result = await sql<{ key: string | null; carts_started: number }>`
    SELECT ${sql.raw(KEY_TEXT[scope.groupBy])} AS key, carts_started FROM (
      SELECT ${sql.raw(GROUP_KEY[scope.groupBy])} AS key, sum(carts_started)::integer AS carts_started
      FROM insight_cart_daily WHERE ${scopeFilter(scope)}
      GROUP BY 1
    ) grouped`.execute(db)
  return result.rows
}

export type OrderSumsRow = Omit<OrderCountsRow, 'day' | 'store_id'> & { key: string }

/** Order figures per group, channel and currency (money never adds across currencies). */
export async function sumOrders(db: Db, scope: RollupScope): Promise<OrderSumsRow[]> {
  const result = await sql<OrderSumsRow>`
    SELECT ${sql.raw(KEY_TEXT[scope.groupBy])} AS key, channel, currency_code, orders_placed, cross_device,
      pos_sales, basket_minor, ready, ready_before_slot, collected, revenue_minor, expired, cancelled, returned
    FROM (
    SELECT ${sql.raw(GROUP_KEY[scope.groupBy])} AS key, channel, currency_code,
      sum(orders_placed)::integer AS orders_placed, sum(cross_device)::integer AS cross_device,
      sum(pos_sales)::integer AS pos_sales, sum(basket_minor)::float8 AS basket_minor,
      sum(ready)::integer AS ready, sum(ready_before_slot)::integer AS ready_before_slot,
      sum(collected)::integer AS collected, sum(revenue_minor)::float8 AS revenue_minor,
      sum(expired)::integer AS expired, sum(cancelled)::integer AS cancelled, sum(returned)::integer AS returned
    FROM insight_order_daily WHERE ${scopeFilter(scope)}
    GROUP BY 1, 2, 3
    ) grouped`.execute(db)
  return result.rows
}

export interface HistogramSumsRow {
  key: string
  metric: number
  /** Decoded by insight-histogram.ts `unpackHistogram`. */
  histogram: string
}

/** Each metric's histogram per group: the days' histograms added up (insight-histogram.ts). */
export async function sumDurationHistograms(db: Db, scope: RollupScope): Promise<HistogramSumsRow[]> {
  const result = await sql<HistogramSumsRow>`
    SELECT ${sql.raw(KEY_TEXT[scope.groupBy])} AS key, metric, histogram::text AS histogram FROM (
      SELECT ${sql.raw(GROUP_KEY[scope.groupBy])} AS key, metric, sum(histogram) AS histogram
      FROM insight_duration_daily WHERE ${scopeFilter(scope)}
      GROUP BY 1, 2
    ) grouped`.execute(db)
  return result.rows
}
