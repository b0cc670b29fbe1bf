import type { PushMessage, PushMessageProvider } from './notification-provider.js'
import { type GatewayOptions, postToGateway } from './signed-gateway.js'

/**
 * POSTs each push as JSON `{ id, title, text, devices: [{ platform, token, storefrontId }], data }`
 * to the retailer's push gateway (signed-gateway.ts), which holds the push services' credentials
 * and fans the message out to the installs. One request per message, whatever its installs.
 */
export function createPushWebhookProvider(options: GatewayOptions): PushMessageProvider {
  return {
    name: 'WEBHOOK',
    async send(message: PushMessage) {
      const body = JSON.stringify({
        id: message.id,
        title: message.title,
        text: message.text,
        devices: message.devices,
        data: message.data,
      })
      await postToGateway(options, { id: message.id, body, what: 'push gateway' })
    },
  }
}
