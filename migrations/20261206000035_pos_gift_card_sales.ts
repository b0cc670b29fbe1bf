import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Gift cards sold at the till, one row per card the sale sells. The card itself is issued only
  // once the sale is paid (a card payment finishes after this row is written), so the amount and
  // expiry wait here and gift_card_id is filled in when the card exists. A sold card is no order
  // line: it has no variant, carries no tax (a multi-purpose voucher is taxed when spent), takes
  // no promotion, and a return of the order's goods never refunds it.
  await sql`
    CREATE TABLE order_gift_card (
      order_id uuid NOT NULL REFERENCES sales_order(id),
      position integer NOT NULL CHECK (position >= 1),
      amount_minor integer NOT NULL CHECK (amount_minor > 0),
      expires_at timestamptz,
      gift_card_id uuid UNIQUE REFERENCES gift_card(id),
      PRIMARY KEY (order_id, position)
    )`.execute(db)
}
