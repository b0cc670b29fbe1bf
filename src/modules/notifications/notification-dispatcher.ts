import type { Db } from '../../db/create-db.js'
import type { NotificationRow } from '../../db/database.js'
import type { Logger } from '../../logger.js'
import { forgetPushTokens } from '../customers/push-device.service.js'
import { createRunLoop, type RunLoop } from '../events/run-loop.js'
import { giftCardPurchaseToSend } from '../giftcards/gift-card-purchase.service.js'
import { linkTokenOf } from '../staff/staff-link.js'
import { passwordLinkToSend } from '../staff/staff-password.service.js'
import { renderGiftCardMessage } from './gift-card-message.js'
import {
  claimNextDueNotification,
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
  recordNotificationSent,
  recordNotificationSkipped,
  recordSendFailure,
} from './notification.service.js'
import type {
  NotificationMessage,
  NotificationProvider,
  PushMessageProvider,
  PushOutcome,
  TextMessageProvider,
} from './notification-provider.js'
import { type OrderMessageSource, orderMessageFor } from './order-message-source.js'
import { tellInsteadOfPush } from './order-messages.service.js'
import { createPushLogProvider } from './push-log.provider.js'
import { renderStaffLinkMessage } from './staff-link-message.js'
import { createTextLogProvider } from './text-log.provider.js'

export interface NotificationDispatcherOptions {
  db: Db
  provider: NotificationProvider
  /** Where text messages go; the log when none is given. */
  textProvider?: TextMessageProvider
  /** Where pushes to app installs go; the log when none is given. */
  pushProvider?: PushMessageProvider
  logger: Logger
  now?: () => Date
  /** How often to look for due retries and for notifications another instance queued. */
  pollIntervalMs?: number
  /** How long a claimed notification stays with its sender; well above a send's timeouts. */
  leaseMs?: number
  retry?: RetryPolicy
  /** The page where staff set their password; the link adds `#token=…`. */
  staffPasswordUrl?: string
}

export type Outcome = 'sent' | 'retrying' | 'failed' | 'skipped'
export type DispatchResult = Record<Outcome, number>

/** A run stops after this many notifications and leaves the rest to the next tick. */
const MAX_PER_RUN = 100

/**
 * Sends queued notifications, each in three steps: claim it (a short transaction: lease and
 * attempt), send it outside any transaction, record the outcome (another short one). A sender
 * that dies between the first and the last leaves the row leased; once the lease ends, another
 * sends it again, under the same Message-ID. Not a scheduler job on purpose: a job runs in one
 * transaction, and these per-notification transactions would wait forever on PGlite's single
 * connection.
 */
export function createNotificationDispatcher(options: NotificationDispatcherOptions): RunLoop<DispatchResult> {
  const { db, provider, logger } = options
  const clock = options.now ?? (() => new Date())
  const leaseMs = options.leaseMs ?? 120_000
  const policy = options.retry ?? DEFAULT_RETRY_POLICY
  const staffPasswordUrl = options.staffPasswordUrl ?? 'http://localhost:4000/staff/password'
  const textProvider = options.textProvider ?? createTextLogProvider(logger)
  const pushProvider = options.pushProvider ?? createPushLogProvider(logger)

  async function drain(shouldStop: () => boolean): Promise<DispatchResult> {
    const result: DispatchResult = { sent: 0, retrying: 0, failed: 0, skipped: 0 }
    for (let count = 0; count < MAX_PER_RUN && !shouldStop(); count++) {
      const notification = await claimNextDueNotification(db, clock(), leaseMs)
      if (!notification) break
      result[await deliver(notification)]++
    }
    return result
  }

  async function deliver(notification: NotificationRow): Promise<Outcome> {
    if (notification.attempts > policy.maxAttempts) {
      // Claimed again and again without an outcome: the sender keeps dying on this one.
      return failure(notification, 'no outcome recorded after the last attempt (sender stopped)')
    }
    const message = await messageFor(notification)
    if (typeof message === 'string') {
      await recordNotificationSkipped(db, notification, message)
      logger.info({ notificationId: notification.id, reason: message }, 'notification skipped')
      return 'skipped'
    }
    if (message.message === null) {
      const queued = await tellInsteadOfPush(db, notification, {
        order: message.order,
        kind: message.kind,
        now: clock(),
      })
      logger.info({ notificationId: notification.id, queued }, 'push skipped: no app install left')
      return 'skipped'
    }
    try {
      if (message.channel === 'SMS') await textProvider.send(message.message)
      else if (message.channel === 'PUSH') await forgetDeadInstalls(await pushProvider.send(message.message))
      else await provider.send(message.message)
    } catch (error) {
      return failure(notification, error instanceof Error ? error.message : String(error))
    }
    // A failure from here on is the database's: the row stays leased and is sent again later.
    await recordNotificationSent(db, notification, clock())
    return 'sent'
  }

  /** The message went; a failure to forget the dead tokens only means they are tried once more. */
  async function forgetDeadInstalls(outcome: PushOutcome): Promise<void> {
    if (outcome.invalidTokens.length === 0) return
    await forgetPushTokens(db, outcome.invalidTokens).then(
      (forgotten) => logger.info({ forgotten }, 'push installs reported unregistered forgotten'),
      (error: unknown) => logger.warn({ err: error }, 'push installs reported unregistered not forgotten'),
    )
  }

  async function failure(notification: NotificationRow, error: string): Promise<Outcome> {
    const outcome = await recordSendFailure(db, notification, error, { now: clock(), policy })
    const context = { notificationId: notification.id, orderId: notification.order_id, attempts: notification.attempts }
    if (outcome === 'FAILED') logger.error({ ...context, error }, 'notification given up')
    else logger.warn({ ...context, error }, 'notification not sent; will retry')
    return outcome === 'FAILED' ? 'failed' : 'retrying'
  }

  /** The message, or why it should no longer be sent. */
  async function messageFor(notification: NotificationRow): Promise<OrderMessageSource | string> {
    const email = (message: NotificationMessage | string) =>
      typeof message === 'string' ? message : { channel: 'EMAIL' as const, message }
    if (notification.password_token_id !== null) {
      return email(await staffLinkMessage(notification, notification.password_token_id))
    }
    if (notification.order_id !== null) return orderMessageFor(db, notification, notification.order_id, clock())
    if (notification.gift_card_purchase_id !== null) {
      return email(await giftCardMessage(notification, notification.gift_card_purchase_id))
    }
    return 'the notification is about nothing'
  }

  async function staffLinkMessage(
    notification: NotificationRow,
    tokenId: string,
  ): Promise<NotificationMessage | string> {
    if (notification.link_secret === null) return 'the link is no longer kept'
    const link = await passwordLinkToSend(db, tokenId, clock())
    if (typeof link === 'string') return link
    return renderStaffLinkMessage({
      notificationId: notification.id,
      recipient: notification.recipient,
      name: link.name,
      purpose: link.purpose,
      link: `${staffPasswordUrl}#token=${linkTokenOf(tokenId, notification.link_secret)}`,
      expiresAt: link.expiresAt,
    })
  }

  async function giftCardMessage(
    notification: NotificationRow,
    purchaseId: string,
  ): Promise<NotificationMessage | string> {
    if (notification.link_secret === null) return 'the code is no longer kept'
    const gift = await giftCardPurchaseToSend(db, purchaseId)
    if (typeof gift === 'string') return gift
    return renderGiftCardMessage({
      notificationId: notification.id,
      recipient: notification.recipient,
      code: notification.link_secret,
      ...gift,
    })
  }

  return createRunLoop({
    name: 'notification dispatch',
    run: drain,
    logger,
    pollIntervalMs: options.pollIntervalMs ?? 5_000,
    report: (result) => {
      if (result.sent + result.retrying + result.failed + result.skipped > 0) logger.debug(result, 'notifications')
    },
  })
}
