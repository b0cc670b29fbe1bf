import { createStripeProvider } from '../../src/modules/payments/stripe.provider.js'
import { type FakeStripe, intentEvent, signWebhook, startFakeStripe } from './fake-stripe.js'
import { createTestApp, type TestApp } from './test-app.js'
import type { TestDb } from './test-db.js'

export const WEBHOOK_SECRET = 'whsec_test_comptoir'

export interface StripeTestApp {
  api: TestApp
  fake: FakeStripe
  stripe: ReturnType<typeof createStripeProvider>
  /** Posts a Stripe event about `object`, signed as Stripe would, to the webhook endpoint. */
  deliver(type: string, object: object, id?: string): Promise<Response>
  close(): Promise<void>
}

/** The app paying through the real stripe SDK, pointed at a fake Stripe server on loopback. */
export async function createStripeTestApp(testDb: TestDb, options: { now: () => Date }): Promise<StripeTestApp> {
  const fake = await startFakeStripe({ defaultOutcome: 'requires_payment_method' })
  const stripe = createStripeProvider({
    secretKey: 'sk_test_comptoir',
    apiBase: { host: fake.host, port: fake.port, protocol: fake.protocol },
    maxNetworkRetries: 0,
    timeoutMs: 2000,
  })
  const api = createTestApp(testDb, {
    now: options.now,
    payments: { online: stripe, stripe: { client: stripe.client, webhookSecret: WEBHOOK_SECRET } },
  })
  async function deliver(type: string, object: object, id?: string) {
    const { body, signature } = signWebhook(await stripe.client(), intentEvent(type, object, id), WEBHOOK_SECRET)
    return api.app.request('/webhooks/stripe', {
      method: 'POST',
      headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
      body,
    })
  }
  return { api, fake, stripe, deliver, close: () => fake.close() }
}
