import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A payment is "live" while money may still move on it: PENDING, REQUIRES_ACTION, FAILED (the
  // shopper may retry the same intent with another card), AUTHORIZED and CAPTURED (a capture can
  // still be refunded in part). VOIDED and REFUNDED rank highest in payment-status.ts: nothing
  // moves them on, so they may sit beside a newer attempt, and a till's cash refunds (REFUNDED rows)
  // stay as many as the returns. One live row per order and provider means parallel retries of a
  // checkout, or two associates collecting at once, share one row and so one processor intent.
  //
  // Rows the old race left twice never reached the processor (no provider_ref: their authorisation
  // lost on Stripe's idempotency key), so they are voided before the index is built.
  await sql`
    UPDATE payment AS duplicate SET status = 'VOIDED', updated_at = now()
    WHERE duplicate.provider_ref IS NULL
      AND duplicate.status NOT IN ('VOIDED', 'REFUNDED')
      AND EXISTS (
        SELECT 1 FROM payment AS kept
        WHERE kept.order_id = duplicate.order_id AND kept.provider = duplicate.provider
          AND kept.status NOT IN ('VOIDED', 'REFUNDED') AND kept.id <> duplicate.id
          AND (kept.provider_ref IS NOT NULL OR kept.created_at < duplicate.created_at
            OR (kept.created_at = duplicate.created_at AND kept.id < duplicate.id))
      )`.execute(db)
  await sql`
    CREATE UNIQUE INDEX payment_one_live_per_order_provider ON payment (order_id, provider)
    WHERE status NOT IN ('VOIDED', 'REFUNDED')`.execute(db)

  // The hand-over claim: an associate's orderCollect records it first, in a transaction of its own
  // under the order's lock, then takes the money with no lock held, then hands over and deletes it.
  // A second collect, a cancellation or the expiry timer sees the claim and stays away; a claim
  // older than the processor's timeout belongs to a request that died and may be taken over.
  // A table of its own rather than columns of sales_order: checkout's hot statement is untouched.
  await sql`
    CREATE TABLE order_handover_claim (
      order_id uuid PRIMARY KEY REFERENCES sales_order(id),
      claim_id uuid NOT NULL,
      claimed_at timestamptz NOT NULL
    )`.execute(db)

  // The reconciliation job looks for card refunds of returns still to make, oldest first.
  await sql`
    CREATE INDEX order_return_refund_due_idx ON order_return (created_at)
    WHERE refund_to = 'ORIGINAL' AND refund_status IN ('PENDING', 'FAILED')`.execute(db)
}
