import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A promotion's rules as the pricing function reads them. Empty channels or store_ids mean
  // everywhere; target_ids name categories, products or variants as target_type says.
  // times_used is the counter a checkout increments under the row's lock, so a usage limit is
  // exact however many checkouts race for the last use.
  await sql`
    CREATE TABLE promotion (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      kind text NOT NULL CHECK (kind IN ('AUTOMATIC', 'CODE')),
      value_type text NOT NULL CHECK (value_type IN ('PERCENTAGE', 'FIXED_AMOUNT')),
      value_amount integer NOT NULL CHECK (value_amount >= 0),
      currency_code text,
      target_type text NOT NULL CHECK (target_type IN ('ORDER', 'CATEGORIES', 'PRODUCTS', 'VARIANTS')),
      target_ids uuid[] NOT NULL DEFAULT '{}',
      buy_quantity integer CHECK (buy_quantity >= 1),
      get_quantity integer CHECK (get_quantity >= 1),
      min_subtotal_minor integer CHECK (min_subtotal_minor >= 0),
      min_quantity integer CHECK (min_quantity >= 1),
      starts_at timestamptz,
      ends_at timestamptz,
      channels text[] NOT NULL DEFAULT '{}',
      store_ids uuid[] NOT NULL DEFAULT '{}',
      usage_limit integer CHECK (usage_limit >= 0),
      usage_limit_per_customer integer CHECK (usage_limit_per_customer >= 1),
      times_used integer NOT NULL DEFAULT 0 CHECK (times_used >= 0),
      combines_with_others boolean NOT NULL DEFAULT true,
      priority integer NOT NULL DEFAULT 0,
      archived_at timestamptz,
      created_by uuid REFERENCES staff(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (value_type <> 'PERCENTAGE' OR value_amount <= 10000),
      CHECK (value_type <> 'FIXED_AMOUNT' OR currency_code IS NOT NULL),
      CHECK ((buy_quantity IS NULL) = (get_quantity IS NULL)),
      CHECK (starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at),
      CHECK (usage_limit IS NULL OR times_used <= usage_limit)
    )`.execute(db)
  await sql`CREATE INDEX promotion_automatic_live_idx ON promotion (id) WHERE kind = 'AUTOMATIC' AND archived_at IS NULL`.execute(
    db,
  )
  // Codes are stored upper-cased and trimmed, so the unique index is case-insensitive.
  await sql`
    CREATE TABLE promotion_code (
      code text PRIMARY KEY CHECK (code = upper(btrim(code)) AND length(code) BETWEEN 1 AND 64),
      promotion_id uuid NOT NULL REFERENCES promotion(id)
    )`.execute(db)
  await sql`CREATE INDEX promotion_code_promotion_idx ON promotion_code (promotion_id)`.execute(db)
  // One row per use by an order; released_at gives the use back (order cancelled or expired).
  await sql`
    CREATE TABLE promotion_usage (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      promotion_id uuid NOT NULL REFERENCES promotion(id),
      order_id uuid NOT NULL,
      customer_id uuid,
      code text,
      amount_minor integer NOT NULL CHECK (amount_minor >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      released_at timestamptz,
      UNIQUE (order_id, promotion_id)
    )`.execute(db)
  await sql`CREATE INDEX promotion_usage_customer_idx ON promotion_usage (promotion_id, customer_id) WHERE released_at IS NULL`.execute(
    db,
  )
}
