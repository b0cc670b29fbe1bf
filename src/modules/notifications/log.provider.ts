import type { Logger } from '../../logger.js'
import type { NotificationMessage, NotificationProvider } from './notification-provider.js'

/** Writes each message to the log instead of sending it: enough to follow a demo. */
export function createLogProvider(logger: Logger): NotificationProvider {
  return {
    name: 'LOG',
    async send(message: NotificationMessage) {
      logger.info(
        { notification: { id: message.id, to: message.to, subject: message.subject, text: message.text } },
        'notification not sent (no SMTP_URL): logged instead',
      )
    },
  }
}
