import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createLogger } from '../../src/logger.js'
import { createOutboxDispatcher } from '../../src/modules/events/outbox-dispatcher.js'
import { createAppPubSub } from '../../src/modules/events/pubsub.js'
import { createNotificationDispatcher } from '../../src/modules/notifications/notification-dispatcher.js'
import type {
  NotificationProvider,
  PushMessageProvider,
} from '../../src/modules/notifications/notification-provider.js'
import { pushMessageProviderFor } from '../../src/modules/notifications/notification-setup.js'
import { allOutboxConsumers } from '../../src/outbox-consumers.js'
import { gatewaySignatureHolds, type MessageGateway, startMessageGateway } from '../fixtures/message-gateway.js'
import { capturingLogger, notificationsOf, type ReadyOrder, rawId, readyOrder } from '../fixtures/notifications.js'
import { stockedStore } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
const MINUTE = 60_000
const SECRET = 'a-push-gateway-secret-of-at-least-32-characters'
const logger = createLogger('silent')
const IPHONE = 'apns-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'
const PIXEL = 'fcm-dGhpcyBpcyBub3QgYSByZWFsIHRva2VuIGJ1dCBpdCBsb29rcyBsaWtlIG9uZQ:APA91bH'

const REGISTER = `mutation($input: CustomerPushDeviceRegisterInput!) {
  customerPushDeviceRegister(input: $input) {
    device { platform tokenEnding registeredAt }
    customer { pushDevices { platform tokenEnding registeredAt } }
    userErrors { code }
  }
}`
const REMOVE = `mutation($input: CustomerPushDeviceRemoveInput!) {
  customerPushDeviceRemove(input: $input) { removed customer { pushDevices { tokenEnding } } userErrors { code } }
}`
const PREFERENCES = `mutation($input: CustomerMessagePreferencesInput!) {
  customerMessagePreferencesUpdate(input: $input) { customer { messageChannels } userErrors { code field } }
}`

let testDb: TestDb
let api: TestApp
let store: { id: string; gid: string }
let variantGid: string
let manager: string
let admin: string
let gateway: Gateway

interface PushBody {
  id: string
  title: string
  text: string
  devices: { platform: string; token: string; storefrontId: string | null }[]
  data: { kind: string; orderId: string; orderGid: string; orderNumber: string }
}

type Gateway = MessageGateway<PushBody>

const noEmail: NotificationProvider = {
  name: 'LOG',
  async send(message) {
    throw new Error(`no email expected, got "${message.subject}"`)
  },
}

function dispatcher(at: Date, push: PushMessageProvider, email: NotificationProvider = noEmail) {
  return createNotificationDispatcher({
    db: testDb.db,
    provider: email,
    pushProvider: push,
    logger,
    now: () => at,
    retry: { maxAttempts: 3, firstDelayMs: 1_000, maxDelayMs: 1_000 },
  })
}

function webhookPush(): PushMessageProvider {
  return pushMessageProviderFor(
    { textWebhook: null, pushWebhook: { url: gateway.url, secret: SECRET, timeoutMs: 2_000 }, reminderLeadMinutes: 0 },
    logger,
  )
}

function consumeOutbox() {
  return createOutboxDispatcher({
    db: testDb.db,
    pubsub: createAppPubSub(),
    logger,
    consumers: allOutboxConsumers(),
  }).dispatchOnce()
}

let shoppers = 0
async function shopper(locale: 'fr' | 'en' = 'en'): Promise<{ token: string; id: string; email: string }> {
  shoppers++
  const email = `push.shopper${shoppers}@example.com`
  const signUp = await api.gql<{ customerSignUp: { accessToken: string | null; customer: { id: string } } }>(
    'mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) { accessToken customer { id } } }',
    { input: { email, password: 'a long and varied secret', name: 'Shopper' } },
  )
  const token = signUp.data?.customerSignUp.accessToken
  if (!token) throw new Error(`sign-up failed: ${JSON.stringify(signUp)}`)
  const updated = await api.gql<{ customerMessagePreferencesUpdate: { userErrors: unknown[] } }>(
    PREFERENCES,
    { input: { locale } },
    { token },
  )
  expect(updated.data?.customerMessagePreferencesUpdate.userErrors).toEqual([])
  return { token, id: rawId(signUp.data!.customerSignUp.customer.id), email }
}

function register(
  token: string,
  input: { token: string; platform: string },
  options: { app?: TestApp; headers?: Record<string, string> } = {},
) {
  return (options.app ?? api).gql<{
    customerPushDeviceRegister: {
      device: { platform: string; tokenEnding: string; registeredAt: string } | null
      customer: { pushDevices: { platform: string; tokenEnding: string; registeredAt: string }[] } | null
      userErrors: { code: string }[]
    }
  }>(REGISTER, { input }, { token, headers: options.headers })
}

function choose(token: string, messageChannels: string[]) {
  return api.gql<{
    customerMessagePreferencesUpdate: {
      customer: { messageChannels: string[] } | null
      userErrors: { code: string; field: string[] }[]
    }
  }>(PREFERENCES, { input: { messageChannels } }, { token })
}

/** The customer.updated events recorded for a customer so far. */
async function updatesOf(customerId: string): Promise<number> {
  const rows = await testDb.db
    .selectFrom('outbox_event')
    .select('id')
    .where('type', '=', 'customer.updated')
    .where('aggregate_id', '=', customerId)
    .execute()
  return rows.length
}

function devicesOf(customerId: string) {
  return testDb.db
    .selectFrom('customer_push_device')
    .select(['platform', 'token', 'storefront_id', 'registered_at'])
    .where('customer_id', '=', customerId)
    .orderBy('registered_at')
    .execute()
}

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  gateway = await startMessageGateway<PushBody>('/push', 202)
  const stocked = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 100, slotCapacity: 100 })
  store = { id: stocked.storeId, gid: stocked.storeGid }
  variantGid = stocked.variantGid
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
})
afterAll(async () => {
  await gateway.close()
  await testDb.destroy()
})

describe('push devices', () => {
  it('are registered by the signed-in customer, with the app that sent its storefront key', async () => {
    const created = await api.gql<{ storefrontKeyCreate: { storefront: { id: string }; storefrontKey: string } }>(
      `mutation($input: StorefrontKeyCreateInput!) {
        storefrontKeyCreate(input: $input) { storefront { id } storefrontKey userErrors { code } }
      }`,
      { input: { name: 'Comptoir iOS', channel: 'APP' } },
      { token: admin },
    )
    const app = created.data!.storefrontKeyCreate
    const me = await shopper()
    const updatesBefore = await updatesOf(me.id)
    const result = await register(
      me.token,
      { token: IPHONE, platform: 'IOS' },
      { headers: { 'X-Storefront-Key': app.storefrontKey } },
    )
    expect(result.errors).toBeUndefined()
    const payload = result.data!.customerPushDeviceRegister
    expect(payload.userErrors).toEqual([])
    expect(payload.device).toMatchObject({
      platform: 'IOS',
      tokenEnding: IPHONE.slice(-6),
      registeredAt: NOW.toISOString(),
    })
    expect(payload.customer?.pushDevices).toEqual([
      { platform: 'IOS', tokenEnding: IPHONE.slice(-6), registeredAt: NOW.toISOString() },
    ])
    expect(await devicesOf(me.id)).toEqual([
      { platform: 'IOS', token: IPHONE, storefront_id: rawId(app.storefront.id), registered_at: NOW },
    ])

    // The app registers again on its next start: the same install, renewed.
    const later = new Date(NOW.getTime() + 5 * MINUTE)
    const again = await register(
      me.token,
      { token: IPHONE, platform: 'IOS' },
      { app: createTestApp(testDb, { now: () => later }) },
    )
    expect(again.data!.customerPushDeviceRegister.userErrors).toEqual([])
    expect(await devicesOf(me.id)).toEqual([
      { platform: 'IOS', token: IPHONE, storefront_id: null, registered_at: later },
    ])
    // An event for the new install, none for its renewal.
    expect(await updatesOf(me.id)).toBe(updatesBefore + 1)
  })

  it('refuse anyone but a customer, and tokens no push service issues, changing nothing', async () => {
    const me = await shopper()
    const anonymous = await api.gql(REGISTER, { input: { token: PIXEL, platform: 'ANDROID' } })
    const staff = await register(manager, { token: PIXEL, platform: 'ANDROID' })
    expect([anonymous, staff].map((result) => result.errors?.[0]?.extensions?.code)).toEqual([
      'UNAUTHENTICATED',
      'FORBIDDEN',
    ])
    for (const bad of [
      'short',
      `${'x'.repeat(4097)}`,
      'a token with a\nnewline in the middle',
      'jeton-avec-accent-é-0123456',
    ]) {
      const refused = await register(me.token, { token: bad, platform: 'ANDROID' })
      expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
      expect(refused.errors?.[0]?.message).toMatch(/token/)
    }
    const unknownPlatform = await register(me.token, { token: PIXEL, platform: 'BLACKBERRY' })
    expect(unknownPlatform.errors?.[0]?.message).toMatch(/PushPlatform/)
    expect(await devicesOf(me.id)).toEqual([])
    const [{ count }] = (
      await sql<{ count: string }>`SELECT count(*) FROM customer_push_device WHERE token = ${PIXEL}`.execute(testDb.db)
    ).rows as [{ count: string }]
    expect(Number(count)).toBe(0)
  })

  it('follow the install’s last sign-in, keep the ten latest, and are removed by their own customer only', async () => {
    const first = await shopper()
    const second = await shopper()
    const shared = 'fcm-shared-family-tablet-token-0001'
    await register(first.token, { token: shared, platform: 'ANDROID' })
    const updatesBefore = [await updatesOf(first.id), await updatesOf(second.id)]
    // Someone else signs in on the same tablet: its pushes are theirs now, and both customers changed.
    await register(second.token, { token: shared, platform: 'ANDROID' })
    expect([await updatesOf(first.id), await updatesOf(second.id)]).toEqual(updatesBefore.map((count) => count + 1))
    expect(await devicesOf(first.id)).toEqual([])
    expect((await devicesOf(second.id)).map((device) => device.token)).toEqual([shared])

    // Eleven installs over eleven minutes: the oldest registration goes.
    for (let index = 0; index < 11; index++) {
      const at = new Date(NOW.getTime() + index * MINUTE)
      const result = await register(
        first.token,
        { token: `web-push-subscription-${String(index).padStart(4, '0')}`, platform: 'WEB' },
        { app: createTestApp(testDb, { now: () => at }) },
      )
      expect(result.data!.customerPushDeviceRegister.userErrors).toEqual([])
    }
    const kept = (await devicesOf(first.id)).map((device) => device.token)
    expect(kept).toHaveLength(10)
    expect(kept[0]).toBe('web-push-subscription-0001')
    expect(kept.at(-1)).toBe('web-push-subscription-0010')

    // The first customer cannot remove the second's tablet; the second can, once.
    const remove = (token: string, device: string) =>
      api.gql<{ customerPushDeviceRemove: { removed: boolean; customer: { pushDevices: unknown[] } } }>(
        REMOVE,
        { input: { token: device } },
        { token },
      )
    expect((await remove(first.token, shared)).data!.customerPushDeviceRemove.removed).toBe(false)
    expect((await devicesOf(second.id)).map((device) => device.token)).toEqual([shared])
    const removed = await remove(second.token, shared)
    expect(removed.data!.customerPushDeviceRemove).toMatchObject({ removed: true, customer: { pushDevices: [] } })
    expect((await remove(second.token, shared)).data!.customerPushDeviceRemove.removed).toBe(false)
  })

  it('must exist before pushes are chosen (PUSH_DEVICE_REQUIRED), which changes nothing', async () => {
    const me = await shopper()
    const refused = await choose(me.token, ['PUSH'])
    expect(refused.data!.customerMessagePreferencesUpdate).toEqual({
      customer: null,
      userErrors: [{ code: 'PUSH_DEVICE_REQUIRED', field: ['messageChannels'] }],
    })
    const row = await testDb.db
      .selectFrom('customer')
      .select('message_channels')
      .where('id', '=', me.id)
      .executeTakeFirstOrThrow()
    expect(row.message_channels).toEqual(['EMAIL'])
    await register(me.token, { token: PIXEL, platform: 'ANDROID' })
    const chosen = await choose(me.token, ['PUSH'])
    expect(chosen.data!.customerMessagePreferencesUpdate).toEqual({
      customer: { messageChannels: ['PUSH'] },
      userErrors: [],
    })
  })
})

describe('order messages pushed', () => {
  let pushed: ReadyOrder
  let pushedShopper: { token: string; id: string; email: string }
  let fallback: ReadyOrder
  let fallbackShopper: { token: string; id: string; email: string }

  beforeAll(async () => {
    await testDb.db.deleteFrom('customer_push_device').execute()
    pushedShopper = await shopper('fr')
    await register(pushedShopper.token, { token: IPHONE, platform: 'IOS' })
    await register(pushedShopper.token, { token: PIXEL, platform: 'ANDROID' })
    expect((await choose(pushedShopper.token, ['PUSH'])).data!.customerMessagePreferencesUpdate.userErrors).toEqual([])
    // Chose pushes, then signed out of the only app install before ordering.
    fallbackShopper = await shopper('en')
    const lone = 'fcm-signed-out-before-ordering-0001'
    await register(fallbackShopper.token, { token: lone, platform: 'ANDROID' })
    expect((await choose(fallbackShopper.token, ['PUSH'])).data!.customerMessagePreferencesUpdate.userErrors).toEqual(
      [],
    )
    await api.gql(REMOVE, { input: { token: lone } }, { token: fallbackShopper.token })

    const options = { storeGid: store.gid, variantGid }
    pushed = await readyOrder(api, manager, { ...options, token: pushedShopper.token })
    fallback = await readyOrder(api, manager, { ...options, token: fallbackShopper.token })
    await consumeOutbox()
  })

  it('are queued as one push per message to the customer, or by email when no install is left', async () => {
    const rows = await notificationsOf(testDb.db, [pushed.id, fallback.id])
    const summary = (order: ReadyOrder) =>
      rows
        .filter((row) => row.order_id === order.id)
        .map((row) => `${row.kind} ${row.channel} ${row.locale} ${row.recipient}`)
        .sort()
    expect(summary(pushed)).toEqual([
      `ORDER_PLACED PUSH fr ${pushedShopper.id}`,
      `ORDER_READY PUSH fr ${pushedShopper.id}`,
    ])
    expect(summary(fallback)).toEqual([
      `ORDER_PLACED EMAIL en ${fallbackShopper.email}`,
      `ORDER_READY EMAIL en ${fallbackShopper.email}`,
    ])
  })

  it('go to every install through the signed gateway, in the customer’s language, retried under the same id', async () => {
    const emails: string[] = []
    const inbox: NotificationProvider = {
      name: 'LOG',
      async send(message) {
        emails.push(message.to)
      },
    }
    const later = new Date(Date.now() + MINUTE)
    gateway.failNext.push(503)
    const first = await dispatcher(later, webhookPush(), inbox).dispatchOnce()
    expect(first).toEqual({ sent: 3, retrying: 1, failed: 0, skipped: 0 })
    const retried = await dispatcher(new Date(later.getTime() + 5_000), webhookPush(), inbox).dispatchOnce()
    expect(retried).toEqual({ sent: 1, retrying: 0, failed: 0, skipped: 0 })
    expect(emails).toEqual([fallbackShopper.email, fallbackShopper.email])

    expect(gateway.received).toHaveLength(3)
    for (const request of gateway.received) {
      expect(gatewaySignatureHolds(request.signature, request.body, SECRET)).toBe(true)
      expect(gatewaySignatureHolds(request.signature, request.body, 'another secret entirely, also long enough')).toBe(
        false,
      )
      expect(request.idempotencyKey).toBe(request.json.id)
      expect(request.json.devices.map((device) => `${device.platform} ${device.token}`).sort()).toEqual([
        `ANDROID ${PIXEL}`,
        `IOS ${IPHONE}`,
      ])
      expect(request.json.data).toMatchObject({ orderId: pushed.id, orderGid: pushed.gid, orderNumber: pushed.number })
    }
    // The 503, then its retry under the same notification id.
    expect(gateway.received[0]!.json.id).toBe(gateway.received[2]!.json.id)
    const byKind = new Map(gateway.received.map((request) => [request.json.data.kind, request.json]))
    expect(byKind.get('ORDER_READY')?.title).toBe(
      `Votre commande ${pushed.number} est prête au magasin Comptoir Rivoli`,
    )
    expect(byKind.get('ORDER_READY')?.text).toContain(pushed.number)
    expect(byKind.get('ORDER_PLACED')?.title).toBe(
      `Commande ${pushed.number} confirmée : retrait au magasin Comptoir Rivoli`,
    )
    const rows = await notificationsOf(testDb.db, [pushed.id, fallback.id])
    expect(rows.map((row) => row.status)).toEqual(['SENT', 'SENT', 'SENT', 'SENT'])
  })

  it('go by email instead when every install was removed between queueing and sending', async () => {
    const job = await import('../../src/modules/orders/order-timers.job.js')
    const { inTransaction } = await import('../../src/db/transaction.js')
    // Held 72 h from NOW: the reminder is queued from 70 h on.
    const due = new Date(NOW.getTime() + 70 * 60 * MINUTE + MINUTE)
    await inTransaction(testDb.db, (trx) => job.orderTimersJob({ reminderLeadMinutes: 120 }).run(trx, due))
    const remindersOf = async () =>
      (await notificationsOf(testDb.db, [pushed.id]))
        .filter((row) => row.kind === 'ORDER_REMINDER')
        .map((row) => `${row.channel} ${row.status} ${row.locale} ${row.recipient} ${row.last_error ?? ''}`.trim())
        .sort()
    expect(await remindersOf()).toEqual([`PUSH PENDING fr ${pushedShopper.id}`])
    // The shopper signs out of both apps before the reminder's turn comes.
    await api.gql(REMOVE, { input: { token: IPHONE } }, { token: pushedShopper.token })
    await api.gql(REMOVE, { input: { token: PIXEL } }, { token: pushedShopper.token })
    const before = gateway.received.length
    const mailed: string[] = []
    const result = await dispatcher(due, webhookPush(), {
      name: 'LOG',
      async send(message) {
        mailed.push(`${message.to} ${message.subject}`)
      },
    }).dispatchOnce()
    expect(gateway.received).toHaveLength(before)
    expect(result).toEqual({ sent: 2, retrying: 0, failed: 0, skipped: 1 })
    expect(mailed.sort()).toEqual(
      [
        `${fallbackShopper.email} Reminder: order ${fallback.number} is waiting for you at Comptoir Rivoli`,
        `${pushedShopper.email} Rappel : votre commande ${pushed.number} vous attend au magasin Comptoir Rivoli`,
      ].sort(),
    )
    expect(await remindersOf()).toEqual([
      `EMAIL SENT fr ${pushedShopper.email}`,
      `PUSH SKIPPED fr ${pushedShopper.id} no app install left to push to; told on the other channels`,
    ])
  })

  it('forget the installs the gateway reports unregistered, and push the next message to the others', async () => {
    const me = await shopper('en')
    const removedApp = 'fcm-app-uninstalled-since-0000000001'
    const kept = 'apns-still-installed-00000000000000000001'
    await register(me.token, { token: removedApp, platform: 'ANDROID' })
    await register(me.token, { token: kept, platform: 'IOS' })
    expect((await choose(me.token, ['PUSH'])).data!.customerMessagePreferencesUpdate.userErrors).toEqual([])
    const order = await readyOrder(api, manager, { storeGid: store.gid, variantGid, token: me.token })
    await consumeOutbox()
    // Its ready message goes first (queued at NOW), then the confirmation (queued by the outbox
    // claim, at the real time).
    gateway.answerNext.push(JSON.stringify({ invalidTokens: [removedApp, 'a-token-of-someone-else'] }))
    const before = gateway.received.length
    const result = await dispatcher(new Date(Date.now() + MINUTE), webhookPush()).dispatchOnce()
    expect(result).toEqual({ sent: 2, retrying: 0, failed: 0, skipped: 0 })
    const requests = gateway.received.slice(before)
    expect(requests.map((request) => request.json.data.orderId)).toEqual([order.id, order.id])
    expect(requests.map((request) => request.json.devices.map((device) => device.token).sort())).toEqual([
      [kept, removedApp].sort(),
      [kept],
    ])
    expect((await devicesOf(me.id)).map((device) => device.token)).toEqual([kept])
  })

  it('are written to the log without PUSH_WEBHOOK_URL, never with a whole token; a URL without its secret is refused', async () => {
    const { logger: capturing, lines } = capturingLogger('info')
    const config = loadConfig({ NODE_ENV: 'test' })
    expect(config.messages.pushWebhook).toBeNull()
    const provider = pushMessageProviderFor(config.messages, capturing)
    expect(provider.name).toBe('LOG')
    await provider.send({
      id: 'n1',
      title: 'Commande 0001 prête',
      text: 'Votre commande 0001 est prête.',
      devices: [{ platform: 'IOS', token: IPHONE, storefrontId: null }],
      data: { kind: 'ORDER_READY', orderId: 'o1', orderGid: 'T3JkZXI6bzE=', orderNumber: '0001' },
    })
    const logged = JSON.stringify(lines())
    expect(logged).toContain('Commande 0001 prête')
    expect(logged).toContain(`IOS …${IPHONE.slice(-6)}`)
    expect(logged).not.toContain(IPHONE)
    expect(() => loadConfig({ NODE_ENV: 'test', PUSH_WEBHOOK_URL: 'https://push.example.com/hook' })).toThrow(
      /PUSH_WEBHOOK_SECRET is required/,
    )
    const configured = loadConfig({
      NODE_ENV: 'test',
      PUSH_WEBHOOK_URL: 'https://push.example.com/hook',
      PUSH_WEBHOOK_SECRET: SECRET,
    })
    expect(configured.messages.pushWebhook).toEqual({
      url: 'https://push.example.com/hook',
      secret: SECRET,
      timeoutMs: 5000,
    })
  })
})

describe('a customer’s push devices and their privacy', () => {
  it('are in their data export and gone once they are erased', async () => {
    const me = await shopper()
    const token = 'fcm-privacy-check-token-000000000001'
    await register(me.token, { token, platform: 'ANDROID' })
    const exported = await api.gql<{ customerDataExport: { pushDevices: unknown[] } }>(
      'query { customerDataExport }',
      {},
      { token: me.token },
    )
    expect(exported.data!.customerDataExport.pushDevices).toEqual([
      {
        platform: 'ANDROID',
        token,
        storefrontId: null,
        createdAt: expect.any(String),
        registeredAt: NOW.toISOString(),
      },
    ])
    const erased = await api.gql<{ customerErase: { userErrors: unknown[] } }>(
      'mutation($input: CustomerEraseInput!) { customerErase(input: $input) { userErrors { code } } }',
      { input: {} },
      { token: me.token },
    )
    expect(erased.data!.customerErase.userErrors).toEqual([])
    const left = await sql<{ count: string }>`SELECT count(*) FROM customer_push_device WHERE token = ${token}`.execute(
      testDb.db,
    )
    expect(Number(left.rows[0]!.count)).toBe(0)
  })
})
