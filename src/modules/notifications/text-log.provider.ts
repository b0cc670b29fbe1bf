import type { Logger } from '../../logger.js'
import type { TextMessage, TextMessageProvider } from './notification-provider.js'

/** Writes each text message to the log instead of sending it: enough to follow a demo. */
export function createTextLogProvider(logger: Logger): TextMessageProvider {
  return {
    name: 'LOG',
    async send(message: TextMessage) {
      logger.info(
        { textMessage: { id: message.id, to: message.to, text: message.text } },
        'text message not sent (no SMS_WEBHOOK_URL): logged instead',
      )
    },
  }
}
