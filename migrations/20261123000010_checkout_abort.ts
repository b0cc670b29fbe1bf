import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A checkout is written in one statement, outside any explicit transaction, so that the hot
  // rows it locks are released by the statement's own commit. When stock or the slot turns out
  // short halfway through, this aborts the statement (and so undoes all of it); SQLSTATE CZ001
  // is ours alone, the reason is the message and what the caller needs to explain it the detail.
  await sql`
    CREATE FUNCTION comptoir_abort(reason text, detail jsonb) RETURNS boolean
    LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
      RAISE EXCEPTION USING ERRCODE = 'CZ001', MESSAGE = reason, DETAIL = detail::text;
    END
    $$`.execute(db)
}
