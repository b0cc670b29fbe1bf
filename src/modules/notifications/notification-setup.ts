import type { NotificationConfig } from '../../config.js'
import type { Logger } from '../../logger.js'
import { createLogProvider } from './log.provider.js'
import type { NotificationProvider } from './notification-provider.js'
import { createSmtpProvider, describeSmtpTarget } from './smtp.provider.js'

/** Email through SMTP when SMTP_URL is set; otherwise messages only go to the log. */
export function notificationProviderFor(config: NotificationConfig, logger: Logger): NotificationProvider {
  if (!config.smtpUrl) return createLogProvider(logger)
  logger.info({ smtp: describeSmtpTarget(config.smtpUrl), from: config.mailFrom }, 'notifications sent by email')
  return createSmtpProvider({ url: config.smtpUrl, from: config.mailFrom })
}
