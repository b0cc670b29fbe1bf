import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The category tree: a category under at most one parent; cycles are refused by the service.
  await sql`ALTER TABLE category ADD COLUMN parent_id uuid REFERENCES category(id)`.execute(db)
  await sql`ALTER TABLE category ADD COLUMN position integer NOT NULL DEFAULT 0`.execute(db)
  await sql`CREATE INDEX category_parent_idx ON category (parent_id, position)`.execute(db)

  // Options and images are read and written with their product, never queried on their own, so
  // they live on the row: [{ "name": "Size", "values": ["S", "M"] }], [{ "url": …, "alt": … }].
  await sql`ALTER TABLE product ADD COLUMN options jsonb NOT NULL DEFAULT '[]'::jsonb`.execute(db)
  await sql`ALTER TABLE product ADD COLUMN images jsonb NOT NULL DEFAULT '[]'::jsonb`.execute(db)
  await sql`ALTER TABLE product ADD COLUMN archived_at timestamptz`.execute(db)
  await sql`ALTER TABLE product ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`.execute(db)

  // [{ "name": "Size", "value": "M" }], in the product's option order.
  await sql`ALTER TABLE variant ADD COLUMN selected_options jsonb NOT NULL DEFAULT '[]'::jsonb`.execute(db)
  await sql`ALTER TABLE variant ADD COLUMN compare_at_price_minor integer CHECK (compare_at_price_minor >= 0)`.execute(
    db,
  )
  await sql`ALTER TABLE variant ADD COLUMN archived_at timestamptz`.execute(db)
  await sql`ALTER TABLE variant ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`.execute(db)

  // A price that overrides the variant's base price for a channel, a store, or a store and a
  // channel, optionally only inside [starts_at, ends_at). The base price stays on variant.
  await sql`
    CREATE TABLE price_override (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      variant_id uuid NOT NULL REFERENCES variant(id),
      store_id uuid REFERENCES store(id),
      channel text CHECK (channel IN ('WEB', 'APP', 'KIOSK', 'POS')),
      amount_minor integer NOT NULL CHECK (amount_minor >= 0),
      starts_at timestamptz,
      ends_at timestamptz,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT price_override_has_scope CHECK (store_id IS NOT NULL OR channel IS NOT NULL),
      CONSTRAINT price_override_window CHECK (starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at)
    )`.execute(db)
  await sql`CREATE INDEX price_override_variant_idx ON price_override (variant_id, store_id, channel)`.execute(db)

  // Who changed what in the back office, when, from where; rows are only ever added.
  await sql`
    CREATE TABLE audit_entry (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor_type text NOT NULL,
      actor_id uuid,
      channel text NOT NULL,
      client_address text,
      entity text NOT NULL,
      entity_id text NOT NULL,
      action text NOT NULL,
      before jsonb,
      after jsonb
    )`.execute(db)
  await sql`CREATE INDEX audit_entry_at_idx ON audit_entry (at, id)`.execute(db)
  await sql`CREATE INDEX audit_entry_actor_idx ON audit_entry (actor_id, at, id)`.execute(db)
  await sql`CREATE INDEX audit_entry_entity_idx ON audit_entry (entity, entity_id, at, id)`.execute(db)
}
