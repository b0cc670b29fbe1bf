import type { MessagesConfig, NotificationConfig } from '../../config.js'
import type { Logger } from '../../logger.js'
import { createLogProvider } from './log.provider.js'
import type { NotificationProvider, PushMessageProvider, TextMessageProvider } from './notification-provider.js'
import { createPushLogProvider } from './push-log.provider.js'
import { createPushWebhookProvider } from './push-webhook.provider.js'
import { createSmtpProvider, describeSmtpTarget } from './smtp.provider.js'
import { createTextLogProvider } from './text-log.provider.js'
import { createTextWebhookProvider } from './text-webhook.provider.js'

/** Email through SMTP when SMTP_URL is set; otherwise messages only go to the log. */
export function notificationProviderFor(config: NotificationConfig, logger: Logger): NotificationProvider {
  if (!config.smtpUrl) return createLogProvider(logger)
  logger.info({ smtp: describeSmtpTarget(config.smtpUrl), from: config.mailFrom }, 'notifications sent by email')
  return createSmtpProvider({ url: config.smtpUrl, from: config.mailFrom })
}

/** Text messages POSTed to SMS_WEBHOOK_URL when it is set; otherwise written to the log. */
export function textMessageProviderFor(config: MessagesConfig, logger: Logger): TextMessageProvider {
  if (!config.textWebhook) return createTextLogProvider(logger)
  logger.info({ textWebhook: new URL(config.textWebhook.url).origin }, 'text messages sent through the webhook')
  return createTextWebhookProvider(config.textWebhook)
}

/** Pushes POSTed to PUSH_WEBHOOK_URL when it is set; otherwise written to the log. */
export function pushMessageProviderFor(config: MessagesConfig, logger: Logger): PushMessageProvider {
  if (!config.pushWebhook) return createPushLogProvider(logger)
  logger.info({ pushWebhook: new URL(config.pushWebhook.url).origin }, 'pushes sent through the webhook')
  return createPushWebhookProvider(config.pushWebhook)
}
