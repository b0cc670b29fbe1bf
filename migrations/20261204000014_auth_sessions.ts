import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One sign-in: every access and refresh token descended from it names this row, so revoking it
  // (sign-out, a reused refresh token) ends them all on their next use.
  await sql`
    CREATE TABLE auth_session (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      staff_id uuid REFERENCES staff(id),
      customer_id uuid REFERENCES customer(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      CHECK ((staff_id IS NULL) <> (customer_id IS NULL))
    )`.execute(db)
  await sql`CREATE INDEX auth_session_staff_idx ON auth_session (staff_id) WHERE staff_id IS NOT NULL`.execute(db)
  await sql`CREATE INDEX auth_session_customer_idx ON auth_session (customer_id) WHERE customer_id IS NOT NULL`.execute(
    db,
  )
  // Only the SHA-256 of a refresh token is kept; used_at marks it spent (it was rotated or signed out).
  await sql`
    CREATE TABLE refresh_token (
      token_hash text PRIMARY KEY,
      session_id uuid NOT NULL REFERENCES auth_session(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    )`.execute(db)
  await sql`CREATE INDEX refresh_token_session_idx ON refresh_token (session_id)`.execute(db)
  // For the clean-up job, which forgets tokens a while after they expire.
  await sql`CREATE INDEX refresh_token_expires_idx ON refresh_token (expires_at)`.execute(db)
}
