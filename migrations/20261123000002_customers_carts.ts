import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE customer (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL,
      name text NOT NULL,
      phone text,
      password_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE UNIQUE INDEX customer_email_idx ON customer (lower(email))`.execute(db)
  await sql`CREATE INDEX customer_phone_idx ON customer (phone) WHERE phone IS NOT NULL`.execute(db)

  // Failed sign-ins per normalised email, shared by every instance, to slow down guessing.
  await sql`
    CREATE TABLE sign_in_throttle (
      email_key text PRIMARY KEY,
      failures integer NOT NULL,
      window_started_at timestamptz NOT NULL,
      locked_until timestamptz
    )`.execute(db)

  await sql`
    CREATE TABLE cart (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      customer_id uuid REFERENCES customer(id),
      status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'MERGED', 'CHECKED_OUT')),
      channel text NOT NULL CHECK (channel IN ('WEB', 'APP', 'KIOSK', 'POS')),
      last_channel text NOT NULL CHECK (last_channel IN ('WEB', 'APP', 'KIOSK', 'POS')),
      currency_code char(3),
      pickup_store_id uuid REFERENCES store(id),
      merged_into_cart_id uuid REFERENCES cart(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  // One active cart per customer: the cart every device of theirs shows.
  await sql`CREATE UNIQUE INDEX cart_one_active_per_customer ON cart (customer_id) WHERE status = 'ACTIVE'`.execute(db)
  await sql`CREATE INDEX cart_status_updated_idx ON cart (status, updated_at)`.execute(db)

  await sql`
    CREATE TABLE cart_line (
      cart_id uuid NOT NULL REFERENCES cart(id) ON DELETE CASCADE,
      variant_id uuid NOT NULL REFERENCES variant(id),
      quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
      -- Lines show in the order they were added, even several in one transaction.
      position bigint GENERATED ALWAYS AS IDENTITY,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (cart_id, variant_id)
    )`.execute(db)

  // A cart may be held by several devices, each with its own secret; only hashes are stored.
  await sql`
    CREATE TABLE cart_token (
      token_hash text PRIMARY KEY,
      cart_id uuid NOT NULL REFERENCES cart(id) ON DELETE CASCADE,
      channel text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX cart_token_cart_idx ON cart_token (cart_id)`.execute(db)

  await sql`
    CREATE TABLE cart_handoff (
      code_hash text PRIMARY KEY,
      cart_id uuid NOT NULL REFERENCES cart(id) ON DELETE CASCADE,
      expires_at timestamptz NOT NULL,
      claimed_at timestamptz,
      claimed_channel text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)

  // The journey of a cart across devices, kept for analytics after the cart itself is gone.
  await sql`
    CREATE TABLE cart_event (
      id bigserial PRIMARY KEY,
      cart_id uuid NOT NULL,
      customer_id uuid,
      type text NOT NULL,
      channel text NOT NULL,
      payload jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX cart_event_cart_idx ON cart_event (cart_id, id)`.execute(db)
}
