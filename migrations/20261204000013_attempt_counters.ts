import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Attempt counters (sign-ins, cart hand-off claims), in the layout rate-limiter-flexible's
  // PostgreSQL store reads and writes: points spent in the window, and when the window (or a
  // block) ends, in epoch milliseconds. Created here rather than by the library at start, so a
  // server never needs the right to create tables.
  await sql`
    CREATE TABLE attempt_counter (
      key varchar(255) PRIMARY KEY,
      points integer NOT NULL DEFAULT 0,
      expire bigint
    )
  `.execute(db)
  await sql`CREATE INDEX attempt_counter_expire_idx ON attempt_counter (expire)`.execute(db)
  // Replaced by attempt_counter: it counted a failure only after the password check, so parallel
  // guesses all got checked before the first failure was written.
  await sql`DROP TABLE sign_in_throttle`.execute(db)
}
