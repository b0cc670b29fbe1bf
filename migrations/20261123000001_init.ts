import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE store (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9-]{2,16}$'),
      name text NOT NULL,
      address_line1 text NOT NULL,
      city text NOT NULL,
      postal_code text NOT NULL,
      country char(2) NOT NULL,
      latitude double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
      longitude double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
      time_zone text NOT NULL,
      opening_hours jsonb NOT NULL,
      currency_code char(3) NOT NULL,
      preparation_minutes integer NOT NULL DEFAULT 30 CHECK (preparation_minutes >= 0),
      slot_minutes integer NOT NULL DEFAULT 30 CHECK (slot_minutes > 0),
      slot_capacity integer NOT NULL DEFAULT 10 CHECK (slot_capacity > 0),
      hold_hours integer NOT NULL DEFAULT 72 CHECK (hold_hours > 0),
      low_stock_threshold integer NOT NULL DEFAULT 5 CHECK (low_stock_threshold >= 0),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)

  await sql`
    CREATE TABLE category (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE,
      name text NOT NULL
    )`.execute(db)

  await sql`
    CREATE TABLE product (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE,
      title text NOT NULL,
      description text NOT NULL DEFAULT '',
      category_id uuid REFERENCES category(id),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX product_category_idx ON product (category_id, slug)`.execute(db)

  await sql`
    CREATE TABLE variant (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      product_id uuid NOT NULL REFERENCES product(id),
      sku text NOT NULL UNIQUE,
      barcode text UNIQUE,
      title text NOT NULL,
      price_minor integer NOT NULL CHECK (price_minor >= 0),
      currency_code char(3) NOT NULL,
      tax_rate_bp integer NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
      position integer NOT NULL DEFAULT 0,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX variant_product_idx ON variant (product_id, position)`.execute(db)

  await sql`
    CREATE TABLE inventory_level (
      store_id uuid NOT NULL REFERENCES store(id),
      variant_id uuid NOT NULL REFERENCES variant(id),
      on_hand integer NOT NULL DEFAULT 0,
      reserved integer NOT NULL DEFAULT 0,
      safety_stock integer NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (store_id, variant_id),
      CONSTRAINT inventory_level_no_oversell CHECK (reserved <= on_hand AND on_hand >= 0),
      CONSTRAINT inventory_level_reserved_non_negative CHECK (reserved >= 0),
      CONSTRAINT inventory_level_safety_non_negative CHECK (safety_stock >= 0)
    )`.execute(db)
  await sql`CREATE INDEX inventory_level_variant_idx ON inventory_level (variant_id)`.execute(db)

  await sql`
    CREATE TABLE staff (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL,
      name text NOT NULL,
      password_hash text NOT NULL,
      role text NOT NULL CHECK (role IN ('ADMIN', 'MANAGER', 'ASSOCIATE')),
      store_id uuid REFERENCES store(id),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT staff_store_scope CHECK ((role = 'ADMIN') = (store_id IS NULL))
    )`.execute(db)
  await sql`CREATE UNIQUE INDEX staff_email_idx ON staff (lower(email))`.execute(db)

  await sql`
    CREATE TABLE stock_movement (
      id bigserial PRIMARY KEY,
      store_id uuid NOT NULL REFERENCES store(id),
      variant_id uuid NOT NULL REFERENCES variant(id),
      on_hand_delta integer NOT NULL,
      reserved_delta integer NOT NULL DEFAULT 0,
      reason text NOT NULL,
      order_id uuid,
      actor_type text NOT NULL,
      actor_id uuid,
      reference text,
      note text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (on_hand_delta <> 0 OR reserved_delta <> 0)
    )`.execute(db)
  await sql`CREATE INDEX stock_movement_level_idx ON stock_movement (store_id, variant_id, id)`.execute(db)

  await sql`
    CREATE TABLE outbox_event (
      id bigserial PRIMARY KEY,
      type text NOT NULL,
      aggregate_type text NOT NULL,
      aggregate_id text NOT NULL,
      payload jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz
    )`.execute(db)
  await sql`CREATE INDEX outbox_event_unpublished_idx ON outbox_event (id) WHERE published_at IS NULL`.execute(db)
}
