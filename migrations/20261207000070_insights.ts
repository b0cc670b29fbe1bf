import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // What the rollups have counted, per cart and per order: the ledger that makes counting an
  // event twice impossible, whatever replays it (modules/insights/insight-projection.service.ts).
  // Where each cart was counted: a cart counted before any store was known moves to the store it
  // gets (once), and stays counted once.
  await sql`
    CREATE TABLE insight_cart_seen (
      cart_id uuid PRIMARY KEY,
      day date NOT NULL,
      store_id uuid,
      channel text NOT NULL
    )`.execute(db)
  // counted: a bit per milestone of the order already in the rollups (insight-milestones.ts).
  await sql`
    CREATE TABLE insight_order_seen (
      order_id uuid PRIMARY KEY,
      counted integer NOT NULL DEFAULT 0
    )`.execute(db)

  // Carts started per store-local day; a cart with no store chosen yet counts under store NULL.
  await sql`
    CREATE TABLE insight_cart_daily (
      day date NOT NULL,
      store_id uuid,
      channel text NOT NULL,
      carts_started integer NOT NULL DEFAULT 0,
      CONSTRAINT insight_cart_daily_key UNIQUE NULLS NOT DISTINCT (day, store_id, channel)
    )`.execute(db)

  // Orders per day they were placed (store-local), store, channel and currency: every outcome of
  // an order counts on the day it was placed, so each day's rates describe one cohort of orders.
  await sql`
    CREATE TABLE insight_order_daily (
      day date NOT NULL,
      store_id uuid NOT NULL,
      channel text NOT NULL,
      currency_code text NOT NULL,
      orders_placed integer NOT NULL DEFAULT 0,
      cross_device integer NOT NULL DEFAULT 0,
      pos_sales integer NOT NULL DEFAULT 0,
      basket_minor bigint NOT NULL DEFAULT 0,
      ready integer NOT NULL DEFAULT 0,
      ready_before_slot integer NOT NULL DEFAULT 0,
      collected integer NOT NULL DEFAULT 0,
      revenue_minor bigint NOT NULL DEFAULT 0,
      expired integer NOT NULL DEFAULT 0,
      cancelled integer NOT NULL DEFAULT 0,
      returned integer NOT NULL DEFAULT 0,
      PRIMARY KEY (day, store_id, channel, currency_code)
    )`.execute(db)

  // Durations as histograms over fixed log-spaced buckets (insight-buckets.ts), summed at query time.
  await sql`
    CREATE TABLE insight_duration_daily (
      day date NOT NULL,
      store_id uuid NOT NULL,
      channel text NOT NULL,
      metric smallint NOT NULL,
      bucket smallint NOT NULL,
      samples integer NOT NULL DEFAULT 0,
      PRIMARY KEY (day, store_id, channel, metric, bucket)
    )`.execute(db)
}
