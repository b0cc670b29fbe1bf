import type { Db } from '../../db/create-db.js'
import type { NotificationRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import * as notificationRepository from './notification.repository.js'

export interface RetryPolicy {
  /** After this many attempts, a notification that still cannot be sent is FAILED. */
  maxAttempts: number
  /** Wait before the second attempt; doubled for each further one, up to maxDelayMs. */
  firstDelayMs: number
  maxDelayMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, firstDelayMs: 30_000, maxDelayMs: 3_600_000 }

/**
 * Queues a staff member's password link (an invite or a reset) in the caller's transaction, the
 * one that creates the link: nothing acknowledged is lost, and the mail goes out after the
 * commit. The clear secret rides on the row until the send's outcome is recorded, then is wiped.
 */
export function queueStaffLinkNotification(
  trx: Trx,
  link: { passwordTokenId: string; purpose: 'INVITE' | 'RESET'; recipient: string; secret: string; now: Date },
): Promise<void> {
  return notificationRepository.insertLinkNotification(trx, {
    passwordTokenId: link.passwordTokenId,
    kind: link.purpose === 'INVITE' ? 'STAFF_INVITE' : 'STAFF_PASSWORD_RESET',
    recipient: link.recipient,
    linkSecret: link.secret,
    now: link.now,
  })
}

/**
 * Queues the e-gift card for its recipient in the transaction that issues the card. The code is
 * nowhere else in clear: it rides on the row until the send's outcome is recorded, then is wiped.
 */
export function queueGiftCardNotification(
  trx: Trx,
  gift: { purchaseId: string; recipient: string; code: string; now: Date },
): Promise<void> {
  return notificationRepository.insertGiftCardNotification(trx, gift)
}

/** Claims one due notification in its own short transaction, so the send happens outside any. */
export function claimNextDueNotification(db: Db, now: Date, leaseMs: number): Promise<NotificationRow | undefined> {
  return inTransaction(db, (trx) => notificationRepository.claimNextDue(trx, now, new Date(now.getTime() + leaseMs)))
}

export function recordNotificationSent(db: Db, notification: NotificationRow, now: Date): Promise<void> {
  return notificationRepository.markSent(db, notification.id, now)
}

/** Not to be sent any more: the order moved on (collected, cancelled, expired) before its turn. */
export function recordNotificationSkipped(db: Db, notification: NotificationRow, reason: string): Promise<void> {
  return notificationRepository.markAttemptFailed(db, notification, {
    status: 'SKIPPED',
    nextAttemptAt: null,
    error: reason,
  })
}

/**
 * A send that failed waits longer after each attempt, and is given up (FAILED) after the
 * policy's last one. Returns what became of it.
 */
export async function recordSendFailure(
  db: Db,
  notification: NotificationRow,
  error: string,
  context: { now: Date; policy: RetryPolicy },
): Promise<'RETRYING' | 'FAILED'> {
  const { policy } = context
  const failed = notification.attempts >= policy.maxAttempts
  const delayMs = Math.min(policy.firstDelayMs * 2 ** (notification.attempts - 1), policy.maxDelayMs)
  await notificationRepository.markAttemptFailed(db, notification, {
    status: failed ? 'FAILED' : 'PENDING',
    nextAttemptAt: failed ? null : new Date(context.now.getTime() + delayMs),
    error: error.slice(0, 1000),
  })
  return failed ? 'FAILED' : 'RETRYING'
}

/** The notification backlog for /metrics: messages still to send. */
export function notificationBacklog(db: Db): Promise<number> {
  return notificationRepository.countPendingNotifications(db)
}
