import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // code_lookup: the code's first group, to find the row; code_hash: SHA-256 of the whole code,
  // compared in constant time. The code itself is never stored.
  await sql`
    CREATE TABLE gift_card (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code_lookup text NOT NULL,
      code_hash text NOT NULL UNIQUE,
      last_characters text NOT NULL,
      currency_code text NOT NULL CHECK (currency_code ~ '^[A-Z]{3}$'),
      initial_amount_minor integer NOT NULL CHECK (initial_amount_minor > 0),
      balance_minor integer NOT NULL CHECK (balance_minor >= 0),
      expires_at timestamptz,
      customer_id uuid REFERENCES customer(id),
      issued_by_type text NOT NULL CHECK (issued_by_type IN ('STAFF', 'TERMINAL', 'CUSTOMER', 'SYSTEM')),
      issued_by_id uuid,
      issued_channel text NOT NULL CHECK (issued_channel IN ('WEB', 'APP', 'KIOSK', 'POS', 'BACK_OFFICE')),
      issued_store_id uuid REFERENCES store(id),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX gift_card_lookup_idx ON gift_card (code_lookup)`.execute(db)
  await sql`CREATE INDEX gift_card_customer_idx ON gift_card (customer_id) WHERE customer_id IS NOT NULL`.execute(db)

  // Every change of a balance, signed: the balance is always the sum of its card's movements.
  await sql`
    CREATE TABLE gift_card_movement (
      id bigserial PRIMARY KEY,
      gift_card_id uuid NOT NULL REFERENCES gift_card(id),
      kind text NOT NULL CHECK (kind IN ('ISSUE', 'REDEEM', 'REFUND', 'RELEASE', 'ADJUST')),
      amount_minor integer NOT NULL CHECK (amount_minor <> 0),
      order_id uuid REFERENCES sales_order(id),
      actor_type text NOT NULL CHECK (actor_type IN ('STAFF', 'TERMINAL', 'CUSTOMER', 'SYSTEM')),
      actor_id uuid,
      note text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT gift_card_movement_sign CHECK (
        (kind IN ('ISSUE', 'REFUND', 'RELEASE') AND amount_minor > 0)
        OR (kind = 'REDEEM' AND amount_minor < 0)
        OR kind = 'ADJUST'
      )
    )`.execute(db)
  await sql`CREATE INDEX gift_card_movement_card_idx ON gift_card_movement (gift_card_id, id)`.execute(db)
  await sql`CREATE INDEX gift_card_movement_order_idx ON gift_card_movement (order_id) WHERE order_id IS NOT NULL`.execute(
    db,
  )

  // A gift card's share of an order is one more payment of that order, beside cash or a card.
  await sql`ALTER TABLE payment DROP CONSTRAINT payment_provider_check`.execute(db)
  await sql`
    ALTER TABLE payment ADD CONSTRAINT payment_provider_check
      CHECK (provider IN ('STRIPE', 'STRIPE_TERMINAL', 'CASH', 'OFFLINE', 'GIFT_CARD'))`.execute(db)

  // The part of a return's amount sent back to the gift cards that paid for the order; the rest
  // goes to the other payment, so neither gets back more than it paid.
  await sql`
    ALTER TABLE order_return ADD COLUMN gift_card_minor integer NOT NULL DEFAULT 0
      CHECK (gift_card_minor >= 0 AND gift_card_minor <= amount_minor)`.execute(db)
}
