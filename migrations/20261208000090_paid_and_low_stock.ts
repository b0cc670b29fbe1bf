import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // When the order's payments first covered its total (payments/paid-in-full.service.ts). Set
  // once, by a conditional update: it is what makes `order.paid` announced exactly once.
  await sql`ALTER TABLE sales_order ADD COLUMN paid_at timestamptz`.execute(db)

  // The levels announced as low and not restocked above their store's threshold since
  // (inventory/stock-low.consumer.ts). A row is the memory of one crossing: inserted when the
  // level falls to or below the threshold (announce only if the insert happened), deleted when it
  // is back above (re-armed). Kept apart from inventory_level so that the outbox never writes
  // to the rows checkouts lock.
  await sql`
    CREATE TABLE stock_low_alert (
      store_id uuid NOT NULL REFERENCES store(id) ON DELETE CASCADE,
      variant_id uuid NOT NULL REFERENCES variant(id) ON DELETE CASCADE,
      since timestamptz NOT NULL,
      PRIMARY KEY (store_id, variant_id)
    )`.execute(db)
}
