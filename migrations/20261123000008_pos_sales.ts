import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The Stripe Terminal reader on the counter beside this terminal: card-present payments go there.
  await sql`ALTER TABLE pos_terminal ADD COLUMN stripe_reader_id text CHECK (stripe_reader_id ~ '^tmr_[A-Za-z0-9_]{1,64}$')`.execute(
    db,
  )
  // A till that retries a sale after a dropped connection sends the same key: one sale per key and store.
  await sql`
    CREATE UNIQUE INDEX sales_order_pos_idempotency_idx ON sales_order (store_id, idempotency_key)
    WHERE channel = 'POS' AND idempotency_key IS NOT NULL`.execute(db)
}
