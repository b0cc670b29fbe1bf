import { createHmac, timingSafeEqual } from 'node:crypto'
import { createLogger } from '../../src/logger.js'
import { createOutboxDispatcher } from '../../src/modules/events/outbox-dispatcher.js'
import { createAppPubSub } from '../../src/modules/events/pubsub.js'
import { DEFAULT_WEBHOOK_RETRY_POLICY } from '../../src/modules/webhooks/webhook-delivery.service.js'
import { createWebhookDispatcher } from '../../src/modules/webhooks/webhook-dispatcher.js'
import { createNodeWebhookTransport } from '../../src/modules/webhooks/webhook-node-transport.js'
import type { WebhookSecretBox } from '../../src/modules/webhooks/webhook-secret-box.js'
import { allOutboxConsumers } from '../../src/outbox-consumers.js'
import { rawId } from '../fixtures/notifications.js'
import { type TestApp, testWebhookSecrets } from '../helpers/test-app.js'
import type { TestDb } from '../helpers/test-db.js'
import type { ReceivedHook } from './receiver.js'

/** Far ahead of the clock that stamps new deliveries (now()), so every queued one is due at T0. */
export const T0 = new Date('2100-01-01T08:00:00Z')
const logger = createLogger('silent')
/**
 * The Node server's transport (background.ts), so the tests send as production does. Its idle
 * connections hold no process open, and a receiver's close ends them.
 */
export const nodeTransport = createNodeWebhookTransport().send

/** The Standard Webhooks check, written here from the specification rather than taken from the code. */
export function signatureIsValid(secret: string, hook: ReceivedHook): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  const signed = `${hook.headers['webhook-id']}.${hook.headers['webhook-timestamp']}.${hook.body}`
  const expected = createHmac('sha256', key).update(signed).digest()
  const given = String(hook.headers['webhook-signature'] ?? '')
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .map((part) => Buffer.from(part.slice(3), 'base64'))
  return given.some((signature) => signature.length === expected.length && timingSafeEqual(signature, expected))
}

/**
 * The outbox's consumers and then the webhook sends, as the background would run them. The outbox
 * is drained twice: events its consumers record (stock.low) are claimed by the next run.
 */
export async function deliverWebhooks(testDb: TestDb, options: { secrets?: WebhookSecretBox; at?: Date } = {}) {
  const outbox = createOutboxDispatcher({
    db: testDb.db,
    pubsub: createAppPubSub(),
    logger,
    consumers: allOutboxConsumers(),
  })
  await outbox.dispatchOnce()
  await outbox.dispatchOnce()
  return createWebhookDispatcher({
    secrets: options.secrets ?? testWebhookSecrets,
    db: testDb.db,
    logger,
    now: () => options.at ?? T0,
    timeoutMs: 5_000,
    retry: DEFAULT_WEBHOOK_RETRY_POLICY,
    transport: nodeTransport,
  }).dispatchOnce()
}

/** An endpoint of the admin's subscribed to `events`, created once the outbox holds nothing older. */
export async function createEndpoint(
  testDb: TestDb,
  api: TestApp,
  admin: string,
  url: string,
  events: string[],
): Promise<{ id: string; secret: string }> {
  await deliverWebhooks(testDb)
  const result = await api.gql<{
    webhookEndpointCreate: { endpoint: { id: string } | null; secret: string | null }
  }>(
    `mutation($input: WebhookEndpointCreateInput!) {
      webhookEndpointCreate(input: $input) { endpoint { id } secret userErrors { code } }
    }`,
    { input: { url, events } },
    { token: admin },
  )
  const payload = result.data?.webhookEndpointCreate
  if (!payload?.endpoint || !payload.secret) throw new Error(`endpoint not created: ${JSON.stringify(result)}`)
  return { id: rawId(payload.endpoint.id), secret: payload.secret }
}

/** An endpoint's deliveries in the order of their events: what the log shows of their progress. */
export const deliveriesOf = (testDb: TestDb, endpointId: string) =>
  testDb.db
    .selectFrom('webhook_delivery')
    .select(['status', 'attempts', 'claimed_until'])
    .where('endpoint_id', '=', endpointId)
    .orderBy('event_id')
    .execute()
