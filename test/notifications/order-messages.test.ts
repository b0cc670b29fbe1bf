import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { inTransaction } from '../../src/db/transaction.js'
import { createLogger } from '../../src/logger.js'
import { createOutboxDispatcher } from '../../src/modules/events/outbox-dispatcher.js'
import { createAppPubSub } from '../../src/modules/events/pubsub.js'
import { createNotificationDispatcher } from '../../src/modules/notifications/notification-dispatcher.js'
import type {
  NotificationMessage,
  NotificationProvider,
  TextMessageProvider,
} from '../../src/modules/notifications/notification-provider.js'
import { textMessageProviderFor } from '../../src/modules/notifications/notification-setup.js'
import { queueOrderMessage } from '../../src/modules/notifications/order-messages.service.js'
import { lockOrder } from '../../src/modules/orders/order.service.js'
import { orderTimersJob } from '../../src/modules/orders/order-timers.job.js'
import { allOutboxConsumers } from '../../src/outbox-consumers.js'
import { gatewaySignatureHolds, type MessageGateway, startMessageGateway } from '../fixtures/message-gateway.js'
import { capturingLogger, notificationsOf, type ReadyOrder, readyOrder } from '../fixtures/notifications.js'
import { stockedStore } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
const HOUR = 3_600_000
const SECRET = 'a-shared-secret-of-at-least-32-characters'
const logger = createLogger('silent')
let testDb: TestDb
let api: TestApp
let store: { id: string; gid: string }
let variantGid: string
let manager: string
let gateway: Gateway

type Gateway = MessageGateway<{ id: string; to: string; text: string }>

function inbox(): NotificationProvider & { sent: NotificationMessage[] } {
  const sent: NotificationMessage[] = []
  return {
    name: 'LOG',
    sent,
    async send(message) {
      sent.push(message)
    },
  }
}

function dispatcher(at: Date, email: NotificationProvider, text?: TextMessageProvider) {
  return createNotificationDispatcher({
    db: testDb.db,
    provider: email,
    textProvider:
      text ?? textMessageProviderFor({ textWebhook: null, pushWebhook: null, reminderLeadMinutes: 0 }, logger),
    logger,
    now: () => at,
    retry: { maxAttempts: 3, firstDelayMs: 1_000, maxDelayMs: 1_000 },
  })
}

/** The checkout's event turns into the confirmation in the outbox claim, as on the server. */
function consumeOutbox() {
  return createOutboxDispatcher({
    db: testDb.db,
    pubsub: createAppPubSub(),
    logger,
    consumers: allOutboxConsumers(),
  }).dispatchOnce()
}

async function customer(email: string, preferences: Record<string, unknown>): Promise<string> {
  const signUp = await api.gql<{ customerSignUp: { accessToken: string | null } }>(
    'mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) { accessToken } }',
    { input: { email, password: 'a long and varied secret', name: 'Shopper' } },
  )
  const token = signUp.data?.customerSignUp.accessToken
  if (!token) throw new Error(`sign-up failed: ${JSON.stringify(signUp)}`)
  const updated = await api.gql<{ customerMessagePreferencesUpdate: { userErrors: unknown[] } }>(
    `mutation($input: CustomerMessagePreferencesInput!) {
      customerMessagePreferencesUpdate(input: $input) { customer { locale messageChannels } userErrors { code } }
    }`,
    { input: preferences },
    { token },
  )
  expect(updated.data?.customerMessagePreferencesUpdate.userErrors).toEqual([])
  return token
}

let french: ReadyOrder
let english: ReadyOrder
let guest: ReadyOrder

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  gateway = await startMessageGateway('/sms')
  const stocked = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 100, slotCapacity: 100 })
  store = { id: stocked.storeId, gid: stocked.storeGid }
  variantGid = stocked.variantGid
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  // The store writes French to shoppers who have no language of their own.
  const admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  const updated = await api.gql<{ storeUpdate: { userErrors: unknown[] } }>(
    'mutation($input: StoreUpdateInput!) { storeUpdate(input: $input) { store { locale } userErrors { code } } }',
    { input: { storeId: store.gid, locale: 'fr' } },
    { token: admin },
  )
  expect(updated.data?.storeUpdate.userErrors).toEqual([])

  const frToken = await customer('fr@example.com', { locale: 'fr' })
  const enToken = await customer('en@example.com', {
    locale: 'en',
    phone: '+447700900123',
    messageChannels: ['EMAIL', 'SMS'],
  })
  const options = { storeGid: store.gid, variantGid }
  french = await readyOrder(api, manager, { ...options, token: frToken })
  english = await readyOrder(api, manager, { ...options, token: enToken })
  guest = await readyOrder(api, manager, { ...options, email: 'guest@example.com' })
})
afterAll(async () => {
  await gateway.close()
  await testDb.destroy()
})

describe('order messages', () => {
  it('are queued once each, in the customer’s language, else the store’s, on the channels chosen', async () => {
    await consumeOutbox()
    await consumeOutbox()
    const rows = await notificationsOf(testDb.db, [french.id, english.id, guest.id])
    const summary = (order: ReadyOrder) =>
      rows
        .filter((row) => row.order_id === order.id)
        .map((row) => `${row.kind} ${row.channel} ${row.locale} ${row.recipient}`)
        .sort()
    expect(summary(french)).toEqual(['ORDER_PLACED EMAIL fr fr@example.com', 'ORDER_READY EMAIL fr fr@example.com'])
    expect(summary(english)).toEqual([
      'ORDER_PLACED EMAIL en en@example.com',
      'ORDER_PLACED SMS en +447700900123',
      'ORDER_READY EMAIL en en@example.com',
      'ORDER_READY SMS en +447700900123',
    ])
    expect(summary(guest)).toEqual([
      'ORDER_PLACED EMAIL fr guest@example.com',
      'ORDER_READY EMAIL fr guest@example.com',
    ])

    // Asking again changes nothing: one row per order, kind and channel.
    await inTransaction(testDb.db, async (trx) => {
      const order = await lockOrder(trx, english.id)
      expect(await queueOrderMessage(trx, order!, 'ORDER_READY', NOW)).toBe(0)
    })
    expect(await notificationsOf(testDb.db, [english.id])).toHaveLength(4)
  })

  it('are sent in that language: email through the provider, text messages signed to the gateway', async () => {
    const email = inbox()
    const text = textMessageProviderFor(
      {
        textWebhook: { url: gateway.url, secret: SECRET, timeoutMs: 2_000 },
        pushWebhook: null,
        reminderLeadMinutes: 0,
      },
      logger,
    )
    // The confirmations were queued at the outbox claim's real time, after NOW.
    const later = new Date(Date.now() + 60_000)
    gateway.failNext.push(503)
    const first = await dispatcher(later, email, text).dispatchOnce()
    expect(first).toEqual({ sent: 7, retrying: 1, failed: 0, skipped: 0 })
    const retried = await dispatcher(new Date(later.getTime() + 5_000), email, text).dispatchOnce()
    expect(retried).toEqual({ sent: 1, retrying: 0, failed: 0, skipped: 0 })

    const subjects = (to: string) => email.sent.filter((mail) => mail.to === to).map((mail) => mail.subject)
    expect(subjects('fr@example.com').sort()).toEqual([
      `Commande ${french.number} confirmée : retrait au magasin Comptoir Rivoli`,
      `Votre commande ${french.number} est prête au magasin Comptoir Rivoli`,
    ])
    expect(subjects('en@example.com').sort()).toEqual([
      `Order ${english.number} confirmed: pickup at Comptoir Rivoli`,
      `Order ${english.number} is ready for pickup at Comptoir Rivoli`,
    ])
    expect(subjects('guest@example.com')).toHaveLength(2)
    expect(email.sent.find((mail) => mail.to === 'guest@example.com')?.text).toMatch(/^Bonjour,/)

    // Two texts, one of them twice (the 503, then its retry under the same id), all signed.
    expect(gateway.received).toHaveLength(3)
    for (const request of gateway.received) {
      expect(gatewaySignatureHolds(request.signature, request.body, SECRET)).toBe(true)
      expect(gatewaySignatureHolds(request.signature, request.body, 'another secret entirely, also long')).toBe(false)
      expect(request.json.to).toBe('+447700900123')
    }
    expect(gateway.received[0]!.json.id).toBe(gateway.received[2]!.json.id)
    const texts = gateway.received.slice(1).map((request) => request.json.text)
    expect(texts.some((line) => line.includes(`order ${english.number} is ready for pickup`))).toBe(true)
    expect(texts.some((line) => line.includes(`order ${english.number} confirmed`))).toBe(true)
    const rows = await notificationsOf(testDb.db, [english.id])
    expect(rows.every((row) => row.status === 'SENT')).toBe(true)
  })

  it('remind once before the hold ends, with the injected clock, and never after collection', async () => {
    const collected = await api.gql<{ orderCollect: { userErrors: unknown[] } }>(
      `mutation($input: OrderCollectInput!) { orderCollect(input: $input) { userErrors { code } } }`,
      {
        input: {
          orderId: guest.gid,
          pickupCode: guest.pickupCode,
          payment: { method: 'CASH', amountTendered: '1000.00' },
        },
      },
      { token: manager },
    )
    expect(collected.data?.orderCollect.userErrors).toEqual([])
    const job = orderTimersJob({ reminderLeadMinutes: 120 })
    const runAt = (at: Date) => inTransaction(testDb.db, (trx) => job.run(trx, at))
    // Held 72 h from NOW: the reminder is due from 70 h on.
    expect((await runAt(new Date(NOW.getTime() + 69 * HOUR))).details).toMatchObject({ reminded: 0 })
    // Two runs at once (two instances' schedulers): each order's lock lets one of them remind it.
    const due = new Date(NOW.getTime() + 70 * HOUR + 60_000)
    const both = await Promise.all([runAt(due), runAt(due)])
    expect(both.map((run) => Number(run.details?.reminded)).reduce((sum, count) => sum + count, 0)).toBe(2)
    expect((await runAt(new Date(NOW.getTime() + 71 * HOUR))).details).toMatchObject({ reminded: 0 })
    const reminders = (await notificationsOf(testDb.db, [french.id, english.id, guest.id])).filter(
      (row) => row.kind === 'ORDER_REMINDER',
    )
    expect(reminders.map((row) => `${row.order_id} ${row.channel} ${row.locale}`).sort()).toEqual(
      [`${french.id} EMAIL fr`, `${english.id} EMAIL en`, `${english.id} SMS en`].sort(),
    )

    // Collected between the queueing and the send: the reminder is not sent.
    const email = inbox()
    const atSend = new Date(NOW.getTime() + 70 * HOUR + 120_000)
    await inTransaction(testDb.db, (trx) =>
      trx.updateTable('sales_order').set({ status: 'COLLECTED' }).where('id', '=', french.id).execute(),
    )
    const result = await dispatcher(atSend, email).dispatchOnce()
    expect(result).toMatchObject({ sent: 2, skipped: 1 })
    expect(email.sent.map((mail) => mail.subject)).toEqual([
      `Reminder: order ${english.number} is waiting for you at Comptoir Rivoli`,
    ])
  })

  it('tell an expired order’s shopper it was not collected, in their language', async () => {
    const job = orderTimersJob({ reminderLeadMinutes: 120 })
    const expiry = await inTransaction(testDb.db, (trx) => job.run(trx, new Date(NOW.getTime() + 73 * HOUR)))
    expect(expiry.details).toMatchObject({ expired: 1 })
    const email = inbox()
    await dispatcher(new Date(NOW.getTime() + 73 * HOUR), email).dispatchOnce()
    expect(email.sent.map((mail) => mail.subject)).toEqual([
      `Order ${english.number} was not collected and is cancelled`,
    ])
  })

  it('write text messages to the log without SMS_WEBHOOK_URL, and refuse a webhook without its secret', async () => {
    const { logger: capturing, lines } = capturingLogger('info')
    const config = loadConfig({ NODE_ENV: 'test' })
    expect(config.messages).toEqual({ textWebhook: null, pushWebhook: null, reminderLeadMinutes: 120 })
    const provider = textMessageProviderFor(config.messages, capturing)
    expect(provider.name).toBe('LOG')
    await provider.send({ id: 'n1', to: '+33612345678', text: 'Commande 0001 prête' })
    expect(lines().find((line) => line.textMessage)).toMatchObject({
      textMessage: { id: 'n1', to: '+33612345678', text: 'Commande 0001 prête' },
    })
    expect(() => loadConfig({ NODE_ENV: 'test', SMS_WEBHOOK_URL: 'https://sms.example.com/hook' })).toThrow(
      /SMS_WEBHOOK_SECRET is required/,
    )
    const withSecret = loadConfig({
      NODE_ENV: 'test',
      SMS_WEBHOOK_URL: 'https://sms.example.com/hook',
      SMS_WEBHOOK_SECRET: SECRET,
    })
    expect(withSecret.messages.textWebhook).toEqual({
      url: 'https://sms.example.com/hook',
      secret: SECRET,
      timeoutMs: 5000,
    })
  })

  it('refuse text messages without an E.164 phone', async () => {
    const result = await api.gql<{ customerSignUp: { accessToken: string } }>(
      'mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) { accessToken } }',
      { input: { email: 'nophone@example.com', password: 'a long and varied secret', name: 'No Phone' } },
    )
    const token = result.data!.customerSignUp.accessToken
    const refused = await api.gql<{ customerMessagePreferencesUpdate: { userErrors: { code: string }[] } }>(
      `mutation($input: CustomerMessagePreferencesInput!) {
        customerMessagePreferencesUpdate(input: $input) { customer { messageChannels } userErrors { code } }
      }`,
      { input: { messageChannels: ['SMS'] } },
      { token },
    )
    expect(refused.data?.customerMessagePreferencesUpdate.userErrors.map((error) => error.code)).toEqual([
      'PHONE_REQUIRED',
    ])
    const badPhone = await api.gql(
      `mutation($input: CustomerMessagePreferencesInput!) {
        customerMessagePreferencesUpdate(input: $input) { userErrors { code } }
      }`,
      { input: { phone: '06 12 34 56 78' } },
      { token },
    )
    expect(JSON.stringify(badPhone.errors)).toContain('E.164')
  })
})
