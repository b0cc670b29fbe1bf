import { type Kysely, sql } from 'kysely'

// Frozen: never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // What each store has learned of its preparation time (readiness/ready-time.ts), rewritten
  // when its orders become ready, so an estimate reads one row instead of the order history.
  await sql`
    CREATE TABLE store_prep_stats (
      store_id uuid PRIMARY KEY REFERENCES store (id) ON DELETE CASCADE,
      base_seconds integer NOT NULL CHECK (base_seconds >= 0),
      per_unit_seconds integer NOT NULL CHECK (per_unit_seconds >= 0),
      samples integer NOT NULL CHECK (samples >= 0),
      learned_at timestamptz NOT NULL
    )
  `.execute(db)
  // The store's latest ready orders, which the learning reads.
  await sql`CREATE INDEX sales_order_store_ready_idx ON sales_order (store_id, ready_at DESC) WHERE ready_at IS NOT NULL`.execute(
    db,
  )
}
