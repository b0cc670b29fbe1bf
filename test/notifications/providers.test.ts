import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBackgroundWork } from '../../src/background.js'
import { ConfigError, loadConfig } from '../../src/config.js'
import { createHttpMetrics } from '../../src/http/metrics.js'
import { createLogger } from '../../src/logger.js'
import { createAppPubSub } from '../../src/modules/events/pubsub.js'
import { createNotificationDispatcher } from '../../src/modules/notifications/notification-dispatcher.js'
import { notificationProviderFor } from '../../src/modules/notifications/notification-setup.js'
import { paymentsFor } from '../../src/modules/payments/payment-setup.js'
import { createCart } from '../fixtures/carts.js'
import { capturingLogger, notificationsOf, readyOrder } from '../fixtures/notifications.js'
import { placeOrder, stockedStore } from '../fixtures/orders.js'
import { SMTP_PASSWORD, startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js'
import { createTestApp, testWebhookSecrets } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'
import { within } from '../helpers/within.js'

const NOW = new Date('2026-11-24T08:00:00Z')
let testDb: TestDb
let smtp: TestSmtpServer
let storeGid: string
let variantGid: string

beforeAll(async () => {
  testDb = await createTestDb()
  smtp = await startSmtpServer()
  ;({ storeGid, variantGid } = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 100, slotCapacity: 100 }))
})
afterAll(async () => {
  await smtp.close()
  await testDb.destroy()
})

function configErrorOf(env: Record<string, string>): string {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.message
    throw error
  }
  throw new Error('the configuration was accepted')
}

describe('without SMTP_URL', () => {
  it('logs the message instead of sending it, and marks it sent', async () => {
    const config = loadConfig({ NODE_ENV: 'test' })
    expect(config.notifications).toEqual({ smtpUrl: null, mailFrom: 'Comptoir <no-reply@comptoir.dev>' })
    const api = createTestApp(testDb, { now: () => NOW })
    const manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
    const order = await readyOrder(api, manager, { storeGid, variantGid, email: 'logged@example.com' })
    const { logger, lines } = capturingLogger('info')
    const provider = notificationProviderFor(config.notifications, logger)
    expect(provider.name).toBe('LOG')

    const result = await createNotificationDispatcher({
      db: testDb.db,
      provider,
      logger,
      now: () => NOW,
    }).dispatchOnce()
    expect(result).toEqual({ sent: 1, retrying: 0, failed: 0, skipped: 0 })
    const [row] = await notificationsOf(testDb.db, [order.id])
    expect(row).toMatchObject({ status: 'SENT', recipient: 'logged@example.com' })
    const logged = lines().filter((line) => line.notification !== undefined)
    expect(logged).toHaveLength(1)
    expect(logged[0]).toMatchObject({
      level: 30,
      notification: {
        id: row!.id,
        to: 'logged@example.com',
        subject: `Order ${order.number} is ready for pickup at Comptoir Rivoli`,
      },
    })
    expect((logged[0]!.notification as { text: string }).text).toContain('112 Rue de Rivoli')
    // What opens the order at the counter is never written down.
    expect(order.pickupCode).toMatch(/^\d{6}$/)
    expect(JSON.stringify(lines())).not.toContain(order.pickupCode)
  })
})

describe('with SMTP_URL', () => {
  it('says where mail goes without the password, and refuses a bad URL without echoing it', () => {
    const { logger, lines } = capturingLogger('info')
    const config = loadConfig({ NODE_ENV: 'test', SMTP_URL: smtp.url, MAIL_FROM: 'Shop <hello@shop.example>' })
    expect(config.notifications).toEqual({ smtpUrl: smtp.url, mailFrom: 'Shop <hello@shop.example>' })
    expect(notificationProviderFor(config.notifications, logger).name).toBe('SMTP')
    const port = new URL(smtp.url).port
    expect(lines()).toMatchObject([{ smtp: `smtp://127.0.0.1:${port}`, from: 'Shop <hello@shop.example>' }])
    expect(JSON.stringify(lines())).not.toContain(SMTP_PASSWORD)

    const bad = `http://user:${SMTP_PASSWORD}@mail.example.com`
    const refusal = configErrorOf({ SMTP_URL: bad })
    expect(refusal).toMatch(
      /^Invalid configuration: SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL.*\(value not shown\)$/,
    )
    expect(refusal).not.toContain(SMTP_PASSWORD)
    expect(() => loadConfig({ MAIL_FROM: 'nobody' })).toThrow(/MAIL_FROM/)
  })

  it('is sent by the server’s background work as soon as the order is marked ready', async () => {
    const config = loadConfig({ NODE_ENV: 'test', SMTP_URL: smtp.url, SCHEDULER_ENABLED: 'false' })
    const logger = createLogger('silent')
    const pubsub = createAppPubSub()
    // The real clock: the background dispatcher has no other.
    const api = createTestApp(testDb, { pubsub })
    const manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
    const background = startBackgroundWork({
      config,
      db: testDb.db,
      logger,
      pubsub,
      payments: paymentsFor(null),
      metrics: createHttpMetrics({ processMetrics: false }),
      webhookSecrets: testWebhookSecrets,
    })
    try {
      // Its first run at start, then nothing until an order changes: a cart change, which the
      // outbox dispatcher publishes at once, wakes no notification claim.
      // At start it also consumes the earlier tests' checkout events: their confirmations go first.
      await within(5000, async () => {
        const unpublished = await testDb.db
          .selectFrom('outbox_event')
          .select('id')
          .where('published_at', 'is', null)
          .execute()
        const pending = await testDb.db
          .selectFrom('notification')
          .select('id')
          .where('status', '=', 'PENDING')
          .execute()
        return unpublished.length + pending.length === 0 ? true : undefined
      })
      await new Promise((resolve) => setTimeout(resolve, 300))
      testDb.statements.length = 0
      await createCart(api, { channel: 'WEB', lines: [{ variantId: variantGid, quantity: 1 }] })
      await within(2000, async () => (testDb.statements.some((q) => q.includes('"outbox_event"')) ? true : undefined))
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(testDb.statements.filter((q) => q.includes('"notification"'))).toEqual([])

      // A checkout's event queues the confirmation in the outbox claim, then wakes the sender.
      const placed = await placeOrder(api, {
        storeGid,
        lines: [{ variantId: variantGid, quantity: 1 }],
        email: 'placed@example.com',
      })
      const confirmation = await within(2000, async () => smtp.received.find((m) => m.to[0] === 'placed@example.com'))
      expect(confirmation.headers.subject).toBe(
        `Order ${placed.result.order?.number} confirmed: pickup at Comptoir Rivoli`,
      )

      const before = smtp.received.length
      const order = await readyOrder(api, manager, { storeGid, variantGid, email: 'live@example.com' })
      // Well inside the 5 s poll: publishing the order's ready event woke the dispatcher.
      const mail = await within(2000, async () =>
        smtp.received
          .slice(before)
          .find((m) => m.to[0] === 'live@example.com' && /ready/.test(m.headers.subject ?? '')),
      )
      expect(mail.headers.subject).toBe(`Order ${order.number} is ready for pickup at Comptoir Rivoli`)
      await within(2000, async () => {
        const rows = await notificationsOf(testDb.db, [order.id])
        const row = rows.find((candidate) => candidate.kind === 'ORDER_READY')
        return row?.status === 'SENT' ? row : undefined
      })
    } finally {
      await background.stop()
    }
  })
})
