import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE store_order_counter (
      store_id uuid PRIMARY KEY REFERENCES store(id),
      last_number integer NOT NULL DEFAULT 0
    )`.execute(db)

  // How many orders each pickup slot of a store holds; the CHECK-free upsert guards capacity.
  await sql`
    CREATE TABLE pickup_slot_booking (
      store_id uuid NOT NULL REFERENCES store(id),
      slot_start timestamptz NOT NULL,
      booked integer NOT NULL CHECK (booked >= 0),
      PRIMARY KEY (store_id, slot_start)
    )`.execute(db)

  await sql`
    CREATE TABLE sales_order (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      number text NOT NULL,
      store_id uuid NOT NULL REFERENCES store(id),
      customer_id uuid REFERENCES customer(id),
      cart_id uuid REFERENCES cart(id),
      idempotency_key text,
      channel text NOT NULL CHECK (channel IN ('WEB', 'APP', 'KIOSK', 'POS')),
      status text NOT NULL CHECK (status IN
        ('PENDING_PAYMENT', 'PLACED', 'PREPARING', 'READY_FOR_PICKUP', 'COLLECTED', 'CANCELLED', 'EXPIRED')),
      payment_mode text NOT NULL CHECK (payment_mode IN ('ONLINE', 'AT_PICKUP', 'IN_STORE')),
      pickup_slot_start timestamptz,
      pickup_slot_end timestamptz,
      pickup_code_hash text,
      pickup_code_failures integer NOT NULL DEFAULT 0,
      currency_code char(3) NOT NULL,
      subtotal_minor integer NOT NULL CHECK (subtotal_minor >= 0),
      tax_minor integer NOT NULL CHECK (tax_minor >= 0),
      total_minor integer NOT NULL CHECK (total_minor >= 0),
      payment_due_at timestamptz,
      ready_at timestamptz,
      hold_until timestamptz,
      collected_at timestamptz,
      cancelled_at timestamptz,
      cancel_reason text,
      arrived_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (store_id, number)
    )`.execute(db)
  // One order per checked-out cart: a retried checkout finds it instead of making a second.
  await sql`CREATE UNIQUE INDEX sales_order_cart_idx ON sales_order (cart_id) WHERE cart_id IS NOT NULL`.execute(db)
  await sql`CREATE INDEX sales_order_store_queue_idx ON sales_order (store_id, status, pickup_slot_start)`.execute(db)
  await sql`CREATE INDEX sales_order_customer_idx ON sales_order (customer_id, created_at DESC) WHERE customer_id IS NOT NULL`.execute(
    db,
  )
  await sql`CREATE INDEX sales_order_due_idx ON sales_order (status, payment_due_at)`.execute(db)
  await sql`CREATE INDEX sales_order_hold_idx ON sales_order (status, hold_until)`.execute(db)

  await sql`
    CREATE TABLE order_line (
      order_id uuid NOT NULL REFERENCES sales_order(id),
      line_number integer NOT NULL,
      variant_id uuid NOT NULL REFERENCES variant(id),
      sku text NOT NULL,
      title text NOT NULL,
      quantity integer NOT NULL CHECK (quantity >= 0),
      missing_quantity integer NOT NULL DEFAULT 0 CHECK (missing_quantity >= 0),
      unit_price_minor integer NOT NULL CHECK (unit_price_minor >= 0),
      tax_rate_bp integer NOT NULL,
      PRIMARY KEY (order_id, line_number)
    )`.execute(db)

  await sql`
    CREATE TABLE order_status_change (
      id bigserial PRIMARY KEY,
      order_id uuid NOT NULL REFERENCES sales_order(id),
      status text NOT NULL,
      actor_type text NOT NULL,
      actor_id uuid,
      note text,
      at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX order_status_change_order_idx ON order_status_change (order_id, id)`.execute(db)
}
