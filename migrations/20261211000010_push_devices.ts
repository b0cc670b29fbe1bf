import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The app installs a signed-in customer's order messages are pushed to. A token names one app
  // install at the push service (FCM, APNs, a browser's push service), so it belongs to one customer
  // at a time: whoever signed in on that install last. It is kept in clear because it is sent to the
  // retailer's push gateway; it is no credential of ours. storefront_id: which of the retailer's
  // apps registered it, so the gateway knows whose push credentials to use.
  await sql`
    CREATE TABLE customer_push_device (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      customer_id uuid NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
      platform text NOT NULL CHECK (platform IN ('IOS', 'ANDROID', 'WEB')),
      token text NOT NULL UNIQUE,
      storefront_id uuid REFERENCES storefront(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      registered_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX customer_push_device_customer_idx ON customer_push_device (customer_id, registered_at)`.execute(
    db,
  )
  // The retention job forgets installs that stopped registering (the app no longer starts).
  await sql`CREATE INDEX customer_push_device_registered_idx ON customer_push_device (registered_at)`.execute(db)
  // Order messages may now also be pushed to the customer's app installs.
  await sql`
    ALTER TABLE customer
      DROP CONSTRAINT customer_message_channels_check,
      ADD CONSTRAINT customer_message_channels_check
        CHECK (message_channels <@ ARRAY['EMAIL', 'SMS', 'PUSH']::text[])`.execute(db)
  await sql`
    ALTER TABLE notification
      DROP CONSTRAINT notification_channel_check,
      ADD CONSTRAINT notification_channel_check CHECK (channel IN ('EMAIL', 'SMS', 'PUSH'))`.execute(db)
}
