import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The audit trail is only ever appended to, in time order, so a block range index finds a time
  // window as well as a btree does for a fraction of its upkeep: a bulk import writes an entry per
  // changed product and variant, and the btree on (at, id) was a quarter of each entry's index work.
  await sql`DROP INDEX audit_entry_at_idx`.execute(db)
  await sql`CREATE INDEX audit_entry_at_brin ON audit_entry USING brin (at)`.execute(db)
}
