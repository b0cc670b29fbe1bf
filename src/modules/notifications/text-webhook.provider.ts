import type { TextMessage, TextMessageProvider } from './notification-provider.js'
import { type GatewayOptions, postToGateway } from './signed-gateway.js'

/** POSTs each text message as JSON `{ id, to, text }` to the retailer's SMS gateway (signed-gateway.ts). */
export function createTextWebhookProvider(options: GatewayOptions): TextMessageProvider {
  return {
    name: 'WEBHOOK',
    async send(message: TextMessage) {
      const body = JSON.stringify({ id: message.id, to: message.to, text: message.text })
      await postToGateway(options, { id: message.id, body, what: 'text message gateway' })
    },
  }
}
