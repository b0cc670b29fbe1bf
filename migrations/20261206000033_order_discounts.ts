import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The codes a shopper entered on a cart, normalised (trimmed, upper-cased); the cart is priced
  // with them on every read, so they follow it from the phone to the tablet.
  await sql`ALTER TABLE cart ADD COLUMN discount_codes text[] NOT NULL DEFAULT '{}'`.execute(db)

  // What the promotions took off, as charged: the order's total and each line's. A line's
  // discount covers the units bought (quantity + missing_quantity), so a unit missing at picking
  // or returned gives back its share of what the line was paid, not its list price.
  await sql`
    ALTER TABLE sales_order ADD COLUMN discount_minor integer NOT NULL DEFAULT 0 CHECK (discount_minor >= 0)`.execute(
    db,
  )
  await sql`
    ALTER TABLE order_line ADD COLUMN discount_minor integer NOT NULL DEFAULT 0 CHECK (discount_minor >= 0)`.execute(db)

  // The snapshot of what was applied to each line, by promotion, with the promotion's name and
  // code at the time: the receipt reads it, whatever later happens to the promotion.
  await sql`
    CREATE TABLE order_line_discount (
      order_id uuid NOT NULL,
      line_number integer NOT NULL,
      promotion_id uuid NOT NULL REFERENCES promotion(id),
      promotion_name text NOT NULL,
      code text,
      amount_minor integer NOT NULL CHECK (amount_minor > 0),
      PRIMARY KEY (order_id, line_number, promotion_id),
      FOREIGN KEY (order_id, line_number) REFERENCES order_line (order_id, line_number)
    )`.execute(db)
  await sql`CREATE INDEX promotion_usage_order_idx ON promotion_usage (order_id)`.execute(db)
}
