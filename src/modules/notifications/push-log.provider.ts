import type { Logger } from '../../logger.js'
import { pushTokenEnding } from '../customers/push-device.service.js'
import type { PushMessage, PushMessageProvider, PushOutcome } from './notification-provider.js'

/**
 * Writes each push to the log instead of sending it: enough to follow a demo. The installs are
 * logged by platform and token ending only; a whole token would let anyone who reads the log push
 * to that install once they hold the retailer's push credentials.
 */
export function createPushLogProvider(logger: Logger): PushMessageProvider {
  return {
    name: 'LOG',
    async send(message: PushMessage): Promise<PushOutcome> {
      logger.info(
        {
          pushMessage: {
            id: message.id,
            title: message.title,
            text: message.text,
            devices: message.devices.map((device) => `${device.platform} …${pushTokenEnding(device.token)}`),
            data: message.data,
          },
        },
        'push not sent (no PUSH_WEBHOOK_URL): logged instead',
      )
      return { invalidTokens: [] }
    },
  }
}
