import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The retention job finds old deliveries by created_at. Rows are appended in time order, so a
  // BRIN index finds the old pages for a few kilobytes, and costs the checkout path's insert
  // next to nothing, unlike a btree.
  await sql`CREATE INDEX webhook_delivery_created_brin ON webhook_delivery USING brin (created_at)`.execute(db)
}
