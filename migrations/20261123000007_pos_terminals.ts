import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A POS terminal acts for one store with its own key; only the key's hash is kept.
  await sql`
    CREATE TABLE pos_terminal (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      store_id uuid NOT NULL REFERENCES store(id),
      label text NOT NULL,
      key_hash text NOT NULL UNIQUE,
      registered_by uuid REFERENCES staff(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    )`.execute(db)
  await sql`CREATE INDEX pos_terminal_store_idx ON pos_terminal (store_id)`.execute(db)
}
