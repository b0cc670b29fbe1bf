import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // An e-gift card bought online. It keeps its own payment state (provider_ref, status): the
  // payment table belongs to sales orders (order_id NOT NULL), and a card sold online is none.
  // gift_card_id is set, with status ISSUED, in the transaction that issues the card.
  await sql`
    CREATE TABLE gift_card_purchase (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      amount_minor integer NOT NULL CHECK (amount_minor > 0),
      currency_code text NOT NULL CHECK (currency_code ~ '^[A-Z]{3}$'),
      recipient_email text NOT NULL,
      message text,
      customer_id uuid REFERENCES customer(id),
      status text NOT NULL DEFAULT 'PENDING_PAYMENT' CHECK (status IN ('PENDING_PAYMENT', 'ISSUED', 'FAILED')),
      idempotency_key text NOT NULL UNIQUE,
      provider_ref text UNIQUE,
      gift_card_id uuid UNIQUE REFERENCES gift_card(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      issued_at timestamptz,
      CONSTRAINT gift_card_purchase_issued CHECK ((status = 'ISSUED') = (gift_card_id IS NOT NULL AND issued_at IS NOT NULL))
    )`.execute(db)
  await sql`
    CREATE INDEX gift_card_purchase_customer_idx ON gift_card_purchase (customer_id) WHERE customer_id IS NOT NULL`.execute(
    db,
  )

  // The card's code goes to its recipient in the notification outbox, in link_secret: in clear
  // only while the message is PENDING (notification_link_while_pending), wiped with its outcome.
  await sql`
    ALTER TABLE notification ADD COLUMN gift_card_purchase_id uuid UNIQUE REFERENCES gift_card_purchase(id)`.execute(db)
  await sql`
    ALTER TABLE notification
      DROP CONSTRAINT notification_kind_check,
      DROP CONSTRAINT notification_about_one`.execute(db)
  await sql`
    ALTER TABLE notification
      ADD CONSTRAINT notification_kind_check
        CHECK (kind IN ('ORDER_READY', 'STAFF_INVITE', 'STAFF_PASSWORD_RESET', 'GIFT_CARD_ISSUED')),
      ADD CONSTRAINT notification_about_one
        CHECK (num_nonnulls(order_id, password_token_id, gift_card_purchase_id) = 1)`.execute(db)
}
