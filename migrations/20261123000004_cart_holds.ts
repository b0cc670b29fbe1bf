import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Stock a cart holds in its pickup store for a while (when cart reservations are enabled). The
  // units are counted in inventory_level.reserved, so every shopper sees them as taken; a cart
  // cannot be deleted while it holds stock (no cascade: the units must be released first).
  await sql`
    CREATE TABLE cart_hold (
      cart_id uuid NOT NULL REFERENCES cart(id),
      variant_id uuid NOT NULL REFERENCES variant(id),
      store_id uuid NOT NULL REFERENCES store(id),
      quantity integer NOT NULL CHECK (quantity > 0),
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (cart_id, variant_id)
    )`.execute(db)
  await sql`CREATE INDEX cart_hold_expiry_idx ON cart_hold (expires_at)`.execute(db)
}
