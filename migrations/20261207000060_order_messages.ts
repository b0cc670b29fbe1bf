import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The language a shopper is written to in ('fr' | 'en'); null: the store's. How they want to be
  // told: email and/or a text message to their phone (E.164, checked when queued).
  await sql`
    ALTER TABLE customer
      ADD COLUMN locale text CHECK (locale IN ('fr', 'en')),
      ADD COLUMN message_channels text[] NOT NULL DEFAULT '{EMAIL}'
        CHECK (message_channels <@ ARRAY['EMAIL', 'SMS']::text[])`.execute(db)
  // Existing stores keep writing in English, as they did before this column.
  await sql`ALTER TABLE store ADD COLUMN locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('fr', 'en'))`.execute(db)
  // The staff board's language; null: the browser's.
  await sql`ALTER TABLE staff ADD COLUMN locale text CHECK (locale IN ('fr', 'en'))`.execute(db)

  // The reminder before a ready order's hold ends is queued once, by the order-timers job.
  await sql`ALTER TABLE sales_order ADD COLUMN reminded_at timestamptz`.execute(db)
  await sql`
    CREATE INDEX sales_order_reminder_due_idx ON sales_order (hold_until)
      WHERE status = 'READY_FOR_PICKUP' AND reminded_at IS NULL`.execute(db)

  // An order's life in messages: placed, ready, a reminder before the hold ends, cancelled or
  // expired; each once per order, kind and channel (email, text message).
  await sql`
    ALTER TABLE notification
      DROP CONSTRAINT notification_kind_check,
      DROP CONSTRAINT notification_channel_check,
      DROP CONSTRAINT notification_order_id_kind_key`.execute(db)
  await sql`
    ALTER TABLE notification
      ADD COLUMN locale text CHECK (locale IN ('fr', 'en')),
      ADD CONSTRAINT notification_kind_check CHECK (kind IN (
        'ORDER_PLACED', 'ORDER_READY', 'ORDER_REMINDER', 'ORDER_CANCELLED',
        'STAFF_INVITE', 'STAFF_PASSWORD_RESET', 'GIFT_CARD_ISSUED')),
      ADD CONSTRAINT notification_channel_check CHECK (channel IN ('EMAIL', 'SMS')),
      ADD CONSTRAINT notification_order_kind_channel_key UNIQUE (order_id, kind, channel)`.execute(db)
}
