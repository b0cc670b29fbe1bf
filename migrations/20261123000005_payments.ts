import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One model for every way an order is paid: online card, card at the counter, cash, offline.
  await sql`
    CREATE TABLE payment (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id uuid NOT NULL REFERENCES sales_order(id),
      provider text NOT NULL CHECK (provider IN ('STRIPE', 'STRIPE_TERMINAL', 'CASH', 'OFFLINE')),
      status text NOT NULL CHECK (status IN
        ('PENDING', 'REQUIRES_ACTION', 'AUTHORIZED', 'CAPTURED', 'VOIDED', 'REFUNDED', 'FAILED')),
      amount_minor integer NOT NULL CHECK (amount_minor >= 0),
      captured_minor integer NOT NULL DEFAULT 0 CHECK (captured_minor >= 0),
      refunded_minor integer NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= captured_minor),
      currency_code char(3) NOT NULL,
      provider_ref text UNIQUE,
      tendered_minor integer,
      change_minor integer,
      authorized_at timestamptz,
      captured_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX payment_order_idx ON payment (order_id)`.execute(db)

  // A card authorisation lasts about 7 days: a ready order may not be held longer than 6.
  await sql`ALTER TABLE store ADD CONSTRAINT store_hold_within_card_authorisation CHECK (hold_hours <= 144)`.execute(db)

  // Every Stripe event id we have acted on: a redelivery is recognised and answered without effect.
  await sql`
    CREATE TABLE stripe_event (
      id text PRIMARY KEY,
      type text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
}
