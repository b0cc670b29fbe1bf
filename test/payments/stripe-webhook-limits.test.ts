import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STRIPE_WEBHOOK_MAX_BODY_BYTES } from '../../src/modules/payments/stripe-webhook.routes.js'
import { createStripeTestApp, type StripeTestApp } from '../helpers/stripe-test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let stripeApp: StripeTestApp

beforeAll(async () => {
  testDb = await createTestDb()
  stripeApp = await createStripeTestApp(testDb, { now: () => new Date() })
})
afterAll(async () => {
  await stripeApp.close()
  await testDb.destroy()
})

const post = (body: ReadableStream<Uint8Array>, headers: Record<string, string>) =>
  stripeApp.api.app.request('/webhooks/stripe', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=forged', ...headers },
    body,
    duplex: 'half',
  } as RequestInit)

describe('Stripe webhook body limit', () => {
  it('refuses a declared length over the limit without reading a byte', async () => {
    let pulls = 0
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls += 1
          controller.enqueue(new Uint8Array(1024))
        },
      },
      { highWaterMark: 0 },
    )
    const response = await post(body, { 'content-length': String(STRIPE_WEBHOOK_MAX_BODY_BYTES + 1) })
    expect(response.status).toBe(413)
    expect(pulls).toBe(0)
  })

  it('stops reading a streamed body once it passes the limit', async () => {
    let sent = 0
    // Endless: a server that read it all would never answer.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 64 * 1024
        controller.enqueue(new Uint8Array(64 * 1024))
      },
    })
    const response = await post(body, { 'transfer-encoding': 'chunked' })
    expect(response.status).toBe(413)
    expect(sent).toBeLessThan(STRIPE_WEBHOOK_MAX_BODY_BYTES * 2)
  })

  it('still checks the signature of a body within the limit', async () => {
    const small = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"id":"evt_1"}'))
        controller.close()
      },
    })
    expect((await post(small, {})).status).toBe(400)
  })
})
