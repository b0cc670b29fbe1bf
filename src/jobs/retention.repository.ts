import type { Trx } from '../db/transaction.js'

// Each delete takes at most `limit` rows, oldest first, so one run holds its locks briefly and a
// backlog drains over a few runs. The created_at / received_at bounds let the BRIN indexes find
// the old pages without reading the whole table.

/** Outbox events delivered before `deliveredBefore`; an event never delivered is kept. */
export async function deleteDeliveredOutboxEvents(trx: Trx, deliveredBefore: Date, limit: number): Promise<number> {
  const result = await trx
    .deleteFrom('outbox_event')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox_event')
        .select('id')
        // An event is created before it is delivered, so this bound loses no row.
        .where('created_at', '<', deliveredBefore)
        .where('published_at', '<', deliveredBefore)
        .orderBy('id')
        .limit(limit),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Stripe event ids received before `receivedBefore`, kept until then to spot redeliveries. */
export async function deleteStripeEvents(trx: Trx, receivedBefore: Date, limit: number): Promise<number> {
  const result = await trx
    .deleteFrom('stripe_event')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('stripe_event')
        .select('id')
        .where('received_at', '<', receivedBefore)
        .orderBy('received_at')
        .limit(limit),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Cart journey events recorded before `createdBefore`. */
export async function deleteCartEvents(trx: Trx, createdBefore: Date, limit: number): Promise<number> {
  const result = await trx
    .deleteFrom('cart_event')
    .where('id', 'in', (eb) =>
      eb.selectFrom('cart_event').select('id').where('created_at', '<', createdBefore).orderBy('id').limit(limit),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/**
 * Webhook deliveries sent or given up on before `finishedBefore`, with the body each kept for a
 * replay; one still pending is always kept, and so is one replayed since.
 */
export async function deleteFinishedWebhookDeliveries(trx: Trx, finishedBefore: Date, limit: number): Promise<number> {
  const result = await trx
    .deleteFrom('webhook_delivery')
    // Asked again of the row itself: a replay that committed while this waited for the row's lock
    // is seen by PostgreSQL's recheck of these, not by the list the subquery chose from its snapshot.
    .where('status', '<>', 'PENDING')
    .where('last_attempt_at', '<', finishedBefore)
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('webhook_delivery')
        .select('id')
        // A delivery is created before its last attempt, so this bound loses no row; DELIVERED and
        // FAILED both come from an attempt, so last_attempt_at is set on every row that can go.
        .where('created_at', '<', finishedBefore)
        .where('status', '<>', 'PENDING')
        .where('last_attempt_at', '<', finishedBefore)
        .orderBy('created_at')
        .limit(limit),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/**
 * App installs not registered again since `registeredBefore`: an app registers its token on every
 * start, so such an install has been removed or left unused, and push services expire its token.
 */
export async function deleteStalePushDevices(trx: Trx, registeredBefore: Date, limit: number): Promise<number> {
  const result = await trx
    .deleteFrom('customer_push_device')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('customer_push_device')
        .select('id')
        .where('registered_at', '<', registeredBefore)
        .orderBy('registered_at')
        .limit(limit),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
