import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A rotated signing secret keeps signing beside the new one until previous_secret_until, so a
  // receiver can switch keys without refusing what is already on its way (Standard Webhooks sends
  // one signature per secret in webhook-signature). Both are sealed like secret.
  await sql`
    ALTER TABLE webhook_endpoint
      ADD COLUMN previous_secret text,
      ADD COLUMN previous_secret_until timestamptz,
      ADD CONSTRAINT webhook_endpoint_previous_secret_until
        CHECK ((previous_secret IS NULL) = (previous_secret_until IS NULL))`.execute(db)
}
