import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A bulk import started through the API: the mutation answers at once with this row, and the
  // caller polls it while the process works through the file. `errors` holds the first bad
  // lines only (the importer caps it), so the row stays small whatever the file.
  await sql`
    CREATE TABLE import_job (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('CATALOG', 'STOCK')),
      status text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')),
      dry_run boolean NOT NULL DEFAULT false,
      file_name text NOT NULL,
      processed integer NOT NULL DEFAULT 0,
      failed integer NOT NULL DEFAULT 0,
      changed integer NOT NULL DEFAULT 0,
      errors jsonb NOT NULL DEFAULT '[]'::jsonb,
      failure text,
      created_by uuid REFERENCES staff(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      -- The heartbeat: a live job touches it after every batch; a job that has not moved for
      -- minutes belonged to a process that stopped, and the reaper marks it FAILED.
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX import_job_unfinished_idx ON import_job (updated_at) WHERE status IN ('QUEUED', 'RUNNING')`.execute(
    db,
  )
}
