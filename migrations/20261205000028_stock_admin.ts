import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Stock moving between two stores: CREATED → SHIPPED → RECEIVED, or CREATED → CANCELLED.
  await sql`
    CREATE TABLE stock_transfer (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      from_store_id uuid NOT NULL REFERENCES store(id),
      to_store_id uuid NOT NULL REFERENCES store(id),
      status text NOT NULL DEFAULT 'CREATED' CHECK (status IN ('CREATED', 'SHIPPED', 'RECEIVED', 'CANCELLED')),
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      shipped_at timestamptz,
      received_at timestamptz,
      cancelled_at timestamptz,
      CONSTRAINT stock_transfer_two_stores CHECK (from_store_id <> to_store_id)
    )`.execute(db)
  await sql`CREATE INDEX stock_transfer_from_idx ON stock_transfer (from_store_id, created_at)`.execute(db)
  await sql`CREATE INDEX stock_transfer_to_idx ON stock_transfer (to_store_id, created_at)`.execute(db)
  // What is on the road to a store: the in-transit figure reads only these.
  await sql`CREATE INDEX stock_transfer_in_transit_idx ON stock_transfer (to_store_id) WHERE status = 'SHIPPED'`.execute(
    db,
  )

  // quantity: asked for; shipped: what left the source; received: what arrived (the rest was lost on the way).
  await sql`
    CREATE TABLE stock_transfer_line (
      transfer_id uuid NOT NULL REFERENCES stock_transfer(id),
      variant_id uuid NOT NULL REFERENCES variant(id),
      quantity integer NOT NULL CHECK (quantity > 0),
      shipped integer CHECK (shipped >= 0),
      received integer CHECK (received >= 0),
      PRIMARY KEY (transfer_id, variant_id),
      CONSTRAINT stock_transfer_line_received_shipped CHECK (received <= shipped)
    )`.execute(db)

  // A count sheet for a store, or for one category and its sub-categories there.
  await sql`
    CREATE TABLE stock_count (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      store_id uuid NOT NULL REFERENCES store(id),
      category_id uuid REFERENCES category(id),
      status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'APPLIED')),
      opened_by uuid,
      opened_at timestamptz NOT NULL DEFAULT now(),
      applied_by uuid,
      applied_at timestamptz
    )`.execute(db)
  await sql`CREATE INDEX stock_count_store_idx ON stock_count (store_id, opened_at)`.execute(db)

  // expected: on hand when the line was last snapshotted (at opening, then at each recording);
  // seen_movement_id: the ledger's highest id at that moment. A later on-hand movement of the
  // level makes the line stale.
  await sql`
    CREATE TABLE stock_count_line (
      count_id uuid NOT NULL REFERENCES stock_count(id),
      variant_id uuid NOT NULL REFERENCES variant(id),
      expected integer NOT NULL,
      seen_movement_id bigint NOT NULL,
      counted integer CHECK (counted >= 0),
      recorded_by uuid,
      recorded_at timestamptz,
      PRIMARY KEY (count_id, variant_id)
    )`.execute(db)

  // The ledger rows a transfer or a count wrote, and the store-wide ledger read newest first.
  await sql`ALTER TABLE stock_movement ADD COLUMN transfer_id uuid REFERENCES stock_transfer(id)`.execute(db)
  await sql`ALTER TABLE stock_movement ADD COLUMN count_id uuid REFERENCES stock_count(id)`.execute(db)
  await sql`CREATE INDEX stock_movement_store_idx ON stock_movement (store_id, id)`.execute(db)
}
