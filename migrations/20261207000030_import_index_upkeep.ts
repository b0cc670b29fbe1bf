import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Keys compared byte by byte. Under the database's default collation (C.UTF-8 or a language's)
  // every comparison in these unique and lookup indexes went through strcoll: a bulk import
  // inserts a SKU, a barcode and a slug per line and two audit keys per entry, each costing some
  // twenty comparisons. Identifiers have no linguistic order to keep; C.UTF-8 already sorts by
  // code point, which is what "C" does on UTF-8, so no ORDER BY changes.
  await sql`ALTER TABLE variant ALTER COLUMN sku TYPE text COLLATE "C", ALTER COLUMN barcode TYPE text COLLATE "C"`.execute(
    db,
  )
  await sql`ALTER TABLE product ALTER COLUMN slug TYPE text COLLATE "C"`.execute(db)
  await sql`ALTER TABLE audit_entry ALTER COLUMN entity TYPE text COLLATE "C", ALTER COLUMN entity_id TYPE text COLLATE "C"`.execute(
    db,
  )
  // The trail is filtered by a named actor; the system's entries (the import's, the jobs') have
  // none and need no entry in this index.
  await sql`DROP INDEX audit_entry_actor_idx`.execute(db)
  await sql`CREATE INDEX audit_entry_actor_idx ON audit_entry (actor_id, at, id) WHERE actor_id IS NOT NULL`.execute(db)
}
