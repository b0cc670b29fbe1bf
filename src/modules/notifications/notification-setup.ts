import type { MessagesConfig, NotificationConfig } from '../../config.js'
import type { Logger } from '../../logger.js'
import { createLogProvider } from './log.provider.js'
import type { NotificationProvider, TextMessageProvider } from './notification-provider.js'
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
