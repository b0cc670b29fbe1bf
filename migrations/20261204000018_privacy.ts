import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Set when the customer's personal data was anonymised (customerErase); the row stays, because
  // orders, payments and the stock ledger point at it and are kept for accounting.
  await sql`ALTER TABLE customer ADD COLUMN erased_at timestamptz`.execute(db)

  // The retention job deletes the oldest rows of these append-mostly tables. BRIN, not B-tree:
  // rows arrive in time order, so a few pages of summary find the old ones, and the hot insert
  // paths (checkout writes outbox events) pay next to nothing to maintain them.
  await sql`CREATE INDEX outbox_event_created_brin ON outbox_event USING brin (created_at)`.execute(db)
  await sql`CREATE INDEX cart_event_created_brin ON cart_event USING brin (created_at)`.execute(db)
  await sql`CREATE INDEX stripe_event_received_brin ON stripe_event USING brin (received_at)`.execute(db)
}
