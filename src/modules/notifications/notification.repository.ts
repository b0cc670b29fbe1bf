import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { Locale, NotificationChannel, NotificationKind, NotificationRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

/**
 * Inserts each unless its order already has a notification of this kind on this channel;
 * answers how many were inserted.
 */
export async function insertNotifications(
  trx: Trx,
  notifications: readonly {
    orderId: string
    kind: NotificationKind
    channel: NotificationChannel
    recipient: string
    locale: Locale
    now: Date
  }[],
): Promise<number> {
  if (notifications.length === 0) return 0
  const inserted = await trx
    .insertInto('notification')
    .values(
      notifications.map((notification) => ({
        order_id: notification.orderId,
        kind: notification.kind,
        channel: notification.channel,
        recipient: notification.recipient,
        locale: notification.locale,
        next_attempt_at: notification.now,
      })),
    )
    .onConflict((oc) => oc.columns(['order_id', 'kind', 'channel']).doNothing())
    .returning('id')
    .execute()
  return inserted.length
}

/** Queues a message carrying a password link; its clear secret stays only until the outcome. */
export async function insertLinkNotification(
  trx: Trx,
  notification: {
    passwordTokenId: string
    kind: NotificationKind
    recipient: string
    linkSecret: string
    now: Date
  },
): Promise<void> {
  await trx
    .insertInto('notification')
    .values({
      password_token_id: notification.passwordTokenId,
      kind: notification.kind,
      channel: 'EMAIL',
      recipient: notification.recipient,
      link_secret: notification.linkSecret,
      next_attempt_at: notification.now,
    })
    .execute()
}

/**
 * Queues the message carrying a bought gift card's code; like a link's secret, the code stays
 * only until the outcome. UNIQUE gift_card_purchase_id: one message per purchase.
 */
export async function insertGiftCardNotification(
  trx: Trx,
  notification: { purchaseId: string; recipient: string; code: string; now: Date },
): Promise<void> {
  await trx
    .insertInto('notification')
    .values({
      gift_card_purchase_id: notification.purchaseId,
      kind: 'GIFT_CARD_ISSUED',
      channel: 'EMAIL',
      recipient: notification.recipient,
      link_secret: notification.code,
      next_attempt_at: notification.now,
    })
    .execute()
}

/**
 * Takes the oldest due notification that nobody holds: it gets a lease until `leaseUntil` and
 * one more attempt. SKIP LOCKED lets several senders claim different rows at once; the lease,
 * not the row lock, keeps the row theirs once this transaction commits.
 */
export async function claimNextDue(trx: Trx, now: Date, leaseUntil: Date): Promise<NotificationRow | undefined> {
  return trx
    .updateTable('notification')
    .set({ claimed_until: leaseUntil, attempts: sql`attempts + 1` })
    .where('id', '=', (eb) =>
      eb
        .selectFrom('notification')
        .select('id')
        .where('status', '=', 'PENDING')
        .where('next_attempt_at', '<=', now)
        .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<=', now)]))
        .orderBy('next_attempt_at')
        .limit(1)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .executeTakeFirst()
}

/** Sent is sent: recorded even if the lease ran out meanwhile and another sender took over. */
export async function markSent(db: Db, id: string, now: Date): Promise<void> {
  await db
    .updateTable('notification')
    .set({ status: 'SENT', sent_at: now, claimed_until: null, last_error: null, link_secret: null })
    .where('id', '=', id)
    .where('status', '=', 'PENDING')
    .execute()
}

/**
 * Records an attempt that did not send. `attempts` fences the write: a sender whose lease ran
 * out, and whose row was claimed again since, changes nothing.
 */
export async function markAttemptFailed(
  db: Db,
  claim: Pick<NotificationRow, 'id' | 'attempts'>,
  outcome: { status: 'PENDING' | 'FAILED' | 'SKIPPED'; nextAttemptAt: Date | null; error: string },
): Promise<void> {
  await db
    .updateTable('notification')
    .set({
      status: outcome.status,
      claimed_until: null,
      last_error: outcome.error,
      // A link is kept in clear only while it may still be sent.
      ...(outcome.status === 'PENDING' ? {} : { link_secret: null }),
      ...(outcome.nextAttemptAt ? { next_attempt_at: outcome.nextAttemptAt } : {}),
    })
    .where('id', '=', claim.id)
    .where('status', '=', 'PENDING')
    .where('attempts', '=', claim.attempts)
    .execute()
}

/** Notifications still to send (PENDING, due or waiting for a retry). */
export async function countPendingNotifications(db: Db): Promise<number> {
  const row = await db
    .selectFrom('notification')
    .where('status', '=', 'PENDING')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow()
  return Number(row.count)
}
