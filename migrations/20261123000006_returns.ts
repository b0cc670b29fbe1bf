import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Goods brought back to any store, whatever channel sold them, and how the money went back.
  await sql`
    CREATE TABLE order_return (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id uuid NOT NULL REFERENCES sales_order(id),
      store_id uuid NOT NULL REFERENCES store(id),
      refund_to text NOT NULL CHECK (refund_to IN ('ORIGINAL', 'CASH')),
      refund_status text NOT NULL CHECK (refund_status IN ('PENDING', 'REFUNDED', 'FAILED')),
      amount_minor integer NOT NULL CHECK (amount_minor >= 0),
      currency_code char(3) NOT NULL,
      staff_id uuid REFERENCES staff(id),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX order_return_order_idx ON order_return (order_id)`.execute(db)
  await sql`
    CREATE TABLE order_return_line (
      return_id uuid NOT NULL REFERENCES order_return(id),
      line_number integer NOT NULL,
      quantity integer NOT NULL CHECK (quantity > 0),
      PRIMARY KEY (return_id, line_number)
    )`.execute(db)
}
