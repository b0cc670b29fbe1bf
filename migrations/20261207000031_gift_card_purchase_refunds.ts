import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A refund made at Stripe of an e-gift card bought online: what Stripe has refunded so far (its
  // charge.refunded events carry the running total), and how much of it the card no longer held
  // when it came (spent meanwhile), which the retailer has to recover some other way.
  await sql`
    ALTER TABLE gift_card_purchase
      ADD COLUMN refunded_minor integer NOT NULL DEFAULT 0,
      ADD COLUMN refund_uncovered_minor integer NOT NULL DEFAULT 0,
      ADD CONSTRAINT gift_card_purchase_refunded CHECK (
        refunded_minor BETWEEN 0 AND amount_minor AND refund_uncovered_minor BETWEEN 0 AND refunded_minor)`.execute(db)
}
