import type { PushMessage, PushMessageProvider, PushOutcome } from './notification-provider.js'
import { type GatewayOptions, postToGateway } from './signed-gateway.js'

/**
 * POSTs each push as JSON `{ id, title, text, devices: [{ platform, token, storefrontId }], data }`
 * to the retailer's push gateway (signed-gateway.ts), which holds the push services' credentials
 * and fans the message out to the installs. One request per message, whatever its installs. The
 * gateway may answer `{ "invalidTokens": [...] }` with the tokens its push services reported
 * unregistered (an app removed, a subscription expired), so they are not pushed to again.
 */
export function createPushWebhookProvider(options: GatewayOptions): PushMessageProvider {
  return {
    name: 'WEBHOOK',
    async send(message: PushMessage): Promise<PushOutcome> {
      const body = JSON.stringify({
        id: message.id,
        title: message.title,
        text: message.text,
        devices: message.devices,
        data: message.data,
      })
      const answer = await postToGateway(options, { id: message.id, body, what: 'push gateway' })
      return { invalidTokens: invalidTokensIn(answer, message) }
    },
  }
}

/** The tokens of this message the answer reports dead; any other answer reports none. */
function invalidTokensIn(answer: string, message: PushMessage): string[] {
  let reported: unknown
  try {
    reported = answer === '' ? null : (JSON.parse(answer) as { invalidTokens?: unknown } | null)?.invalidTokens
  } catch {
    return []
  }
  if (!Array.isArray(reported)) return []
  const sent = new Set(message.devices.map((device) => device.token))
  return [...new Set(reported.filter((token): token is string => typeof token === 'string' && sent.has(token)))]
}
