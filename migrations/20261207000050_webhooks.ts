import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // An admin's subscription: where to send which public events. The signing secret is kept in
  // clear because every delivery must be signed with it (there is no encryption key to seal it
  // with); it is shown once at creation and never returned by the API.
  // consecutive_failures and failing_since decide when a dead endpoint is switched off.
  await sql`
    CREATE TABLE webhook_endpoint (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      url text NOT NULL,
      description text NOT NULL DEFAULT '',
      events text[] NOT NULL CHECK (cardinality(events) > 0),
      secret text NOT NULL,
      consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
      failing_since timestamptz,
      disabled_at timestamptz,
      disabled_reason text,
      created_by uuid REFERENCES staff(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)

  // One message for one endpoint. The body is the exact text signed and sent, written once when
  // the event is consumed, so every retry and replay sends the same bytes. claimed_until is a
  // lease, attempts fences late writes (as for notifications). The last_* columns are the
  // delivery log: what the latest attempt got back.
  await sql`
    CREATE TABLE webhook_delivery (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      endpoint_id uuid NOT NULL REFERENCES webhook_endpoint(id) ON DELETE CASCADE,
      event_id bigint NOT NULL,
      event_type text NOT NULL,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      claimed_until timestamptz,
      last_attempt_at timestamptz,
      last_status_code integer,
      last_response_excerpt text,
      last_duration_ms integer,
      last_error text,
      delivered_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (endpoint_id, event_id)
    )`.execute(db)
  // The claim walks each endpoint's due deliveries in order.
  await sql`
    CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (endpoint_id, next_attempt_at)
    WHERE status = 'PENDING'`.execute(db)
  // The delivery log of an endpoint pages on (endpoint_id, event_id), the UNIQUE constraint's index.
}
