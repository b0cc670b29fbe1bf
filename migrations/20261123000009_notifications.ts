import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Where a guest asked to be told; a signed-in customer's account email is used when it is null.
  await sql`ALTER TABLE sales_order ADD COLUMN contact_email text`.execute(db)

  // An outbox of messages to customers: written with the change that calls for it, sent after.
  // claimed_until is a lease: a sender that dies mid-send leaves the row to be retried after it.
  await sql`
    CREATE TABLE notification (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id uuid NOT NULL REFERENCES sales_order(id),
      kind text NOT NULL CHECK (kind IN ('ORDER_READY')),
      channel text NOT NULL CHECK (channel IN ('EMAIL')),
      recipient text NOT NULL,
      status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED', 'SKIPPED')),
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      next_attempt_at timestamptz NOT NULL,
      claimed_until timestamptz,
      sent_at timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (order_id, kind)
    )`.execute(db)
  await sql`CREATE INDEX notification_due_idx ON notification (next_attempt_at) WHERE status = 'PENDING'`.execute(db)
}
