import type { Config } from '../../config.js'
import type { Db } from '../../db/create-db.js'
import type { Logger } from '../../logger.js'
import { createWebhookDispatcher, type WebhookDispatcher } from './webhook-dispatcher.js'
import { createNodeWebhookTransport } from './webhook-node-transport.js'
import type { WebhookSecretBox } from './webhook-secret-box.js'
import { publicAddressLookup } from './webhook-target-guard.js'

export interface NodeWebhookSender {
  dispatcher: WebhookDispatcher
  /** Stops claiming, waits for the sends in flight, closes the kept-alive connections. */
  stop(): Promise<void>
}

/**
 * The Node webhook sender, as the server runs it beside its requests and `npm run webhooks` runs
 * it alone: undici's HTTP client, and in production a name that resolves to a private address
 * is refused as it connects (SSRF).
 */
export function createNodeWebhookSender(deps: {
  config: Config
  db: Db
  logger: Logger
  secrets: WebhookSecretBox
}): NodeWebhookSender {
  const { config } = deps
  const transport = createNodeWebhookTransport({
    lookup: config.env === 'production' ? publicAddressLookup : undefined,
  })
  const dispatcher = createWebhookDispatcher({
    db: deps.db,
    logger: deps.logger,
    transport: transport.send,
    secrets: deps.secrets,
    pollIntervalMs: config.webhooks.pollMs,
  })
  return {
    dispatcher,
    async stop() {
      await dispatcher.stop()
      transport.close()
    },
  }
}
