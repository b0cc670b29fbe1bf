import { type Kysely, sql } from 'kysely'
import { CHECKOUT_RULES_SQL_V3 } from '../src/modules/checkout/checkout-rules.v3.sql.js'

// Frozen: never edit after it has shipped. It runs a versioned source that is frozen too
// (checkout-rules.v3.sql.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  // A kiosk acts for one store with its own key, as a POS terminal does; only the key's hash is kept.
  await sql`
    CREATE TABLE kiosk (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      store_id uuid NOT NULL REFERENCES store(id),
      name text NOT NULL,
      key_hash text NOT NULL UNIQUE,
      registered_by uuid REFERENCES staff(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    )`.execute(db)
  await sql`CREATE INDEX kiosk_store_idx ON kiosk (store_id)`.execute(db)

  // A storefront (a web shop, a mobile app) sends its publishable key; the key decides the channel.
  await sql`
    CREATE TABLE storefront (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('WEB', 'APP')),
      key_hash text NOT NULL UNIQUE,
      created_by uuid REFERENCES staff(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    )`.execute(db)

  // Where carts and orders came from, and the device of each journey event (null: not known).
  await sql`ALTER TABLE cart ADD COLUMN storefront_id uuid REFERENCES storefront(id)`.execute(db)
  await sql`ALTER TABLE sales_order ADD COLUMN storefront_id uuid REFERENCES storefront(id)`.execute(db)
  await sql`
    ALTER TABLE cart_event
      ADD COLUMN device text CHECK (char_length(device) <= 160),
      ADD COLUMN storefront_id uuid REFERENCES storefront(id)`.execute(db)
  // An order's journey reads the events of the carts merged into its cart too.
  await sql`CREATE INDEX cart_merged_into_idx ON cart (merged_into_cart_id) WHERE merged_into_cart_id IS NOT NULL`.execute(
    db,
  )

  for (const statement of CHECKOUT_RULES_SQL_V3) await sql.raw(statement).execute(db)
}
