import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../src/db/transaction.js'
import { createLogger } from '../../src/logger.js'
import { createNotificationDispatcher } from '../../src/modules/notifications/notification-dispatcher.js'
import { notificationProviderFor } from '../../src/modules/notifications/notification-setup.js'
import { queueOrderMessage } from '../../src/modules/notifications/order-messages.service.js'
import { lockOrder, markReady } from '../../src/modules/orders/order.service.js'
import { cartHeaders, createCart } from '../fixtures/carts.js'
import { notificationsOf, rawId, readyOrder } from '../fixtures/notifications.js'
import { CHECKOUT, firstSlot, placeOrder, staffMutation, stockedStore } from '../fixtures/orders.js'
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
const NOTHING = { sent: 0, retrying: 0, failed: 0, skipped: 0 }
const logger = createLogger('silent')
let testDb: TestDb
let api: TestApp
let smtp: TestSmtpServer
let store: { id: string; gid: string }
let variantGid: string
let manager: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  smtp = await startSmtpServer()
  const stocked = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 100, slotCapacity: 100 })
  store = { id: stocked.storeId, gid: stocked.storeGid }
  variantGid = stocked.variantGid
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
})
afterAll(async () => {
  await smtp.close()
  await testDb.destroy()
})

function smtpDispatcher() {
  const provider = notificationProviderFor({ smtpUrl: smtp.url, mailFrom: 'Comptoir <no-reply@comptoir.dev>' }, logger)
  return createNotificationDispatcher({ db: testDb.db, provider, logger, now: () => NOW })
}

async function signInAlice(): Promise<string> {
  const result = await api.gql<{ customerSignIn: { accessToken: string | null } }>(
    'mutation($input: CustomerSignInInput!) { customerSignIn(input: $input) { accessToken } }',
    { input: { email: 'alice@comptoir.dev', password: 'comptoir-alice' } },
  )
  const token = result.data?.customerSignIn.accessToken
  if (!token) throw new Error(`sign-in failed: ${JSON.stringify(result)}`)
  return token
}

describe('the ready-for-pickup email', () => {
  it('reaches a signed-in customer at their account email, once, with the order and the store', async () => {
    const order = await readyOrder(api, manager, { storeGid: store.gid, variantGid, token: await signInAlice() })
    const before = smtp.received.length

    expect(await smtpDispatcher().dispatchOnce()).toEqual({ ...NOTHING, sent: 1 })
    const mails = smtp.received.slice(before)
    expect(mails).toHaveLength(1)
    const rows = await notificationsOf(testDb.db, [order.id])
    expect(rows).toMatchObject([{ status: 'SENT', recipient: 'alice@comptoir.dev', attempts: 1, claimed_until: null }])
    const mail = mails[0]!
    expect(mail.to).toEqual(['alice@comptoir.dev'])
    expect(mail.user).toBe('comptoir') // authenticated with the credentials in SMTP_URL
    expect(mail.headers.subject).toBe(`Order ${order.number} is ready for pickup at Comptoir Rivoli`)
    expect(mail.headers.from).toBe('Comptoir <no-reply@comptoir.dev>')
    expect(mail.headers['message-id']).toBe(`<${rows[0]!.id}@comptoir.dev>`)
    expect(mail.body).toContain('112 Rue de Rivoli, 75001 Paris')
    expect(mail.body).toContain('pickup code')
    expect(mail.body).toMatch(/Tuesday, 24 November 2026, \d\d:\d\d–\d\d:\d\d CET/)

    expect(await smtpDispatcher().dispatchOnce()).toEqual(NOTHING)
    expect(smtp.received).toHaveLength(before + 1)
  })

  it('reaches a guest at the email given at checkout, and a customer there rather than at the account', async () => {
    const guest = await readyOrder(api, manager, { storeGid: store.gid, variantGid, email: 'guest@example.com' })
    const token = await signInAlice()
    const other = await readyOrder(api, manager, { storeGid: store.gid, variantGid, token, email: 'a@example.org' })
    const before = smtp.received.length

    expect(await smtpDispatcher().dispatchOnce()).toEqual({ ...NOTHING, sent: 2 })
    const mails = smtp.received.slice(before)
    expect(mails.map((mail) => mail.to[0]).sort()).toEqual(['a@example.org', 'guest@example.com'])
    const guestMail = mails.find((mail) => mail.to[0] === 'guest@example.com')!
    expect(guestMail.headers.subject).toBe(`Order ${guest.number} is ready for pickup at Comptoir Rivoli`)
    const rows = await notificationsOf(testDb.db, [guest.id, other.id])
    expect(rows.map((row) => row.status)).toEqual(['SENT', 'SENT'])
    const stored = await testDb.db
      .selectFrom('sales_order')
      .select('contact_email')
      .where('id', '=', guest.id)
      .executeTakeFirstOrThrow()
    expect(stored.contact_email).toBe('guest@example.com')
  })

  it('is not queued for a guest who gave no email', async () => {
    const order = await readyOrder(api, manager, { storeGid: store.gid, variantGid })
    expect(await notificationsOf(testDb.db, [order.id])).toEqual([])
  })

  it('refuses a checkout email that is not one, before any order exists', async () => {
    const { cart, cartToken } = await createCart(api, {
      channel: 'WEB',
      lines: [{ variantId: variantGid, quantity: 1 }],
    })
    const input = {
      cartId: cart.id,
      storeId: store.gid,
      pickupSlotStart: await firstSlot(api, store.gid),
      paymentMode: 'AT_PICKUP',
      idempotencyKey: 'bad-email-1',
      email: 'not an email',
    }
    const result = await api.gql(CHECKOUT, { input }, { headers: cartHeaders(cartToken) })
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    expect(result.errors?.[0]?.extensions?.fields).toEqual(['input.email'])
    const orders = await testDb.db
      .selectFrom('sales_order')
      .select('id')
      .where('cart_id', '=', rawId(cart.id))
      .execute()
    expect(orders).toEqual([])
  })
})

describe('queueing with the transition', () => {
  async function preparingOrder(email: string): Promise<string> {
    const { result } = await placeOrder(api, {
      storeGid: store.gid,
      lines: [{ variantId: variantGid, quantity: 1 }],
      email,
    })
    const started = await staffMutation(api, manager)('orderStartPreparing', { orderId: result.order!.id })
    expect(started.data?.orderStartPreparing?.userErrors).toEqual([])
    return rawId(result.order!.id)
  }
  // The store marks an order ready; only the state table says who may.
  const context = { actor: { type: 'STAFF' as const, id: null }, now: NOW, missing: [], logger }

  it('writes the notification in the transaction that marks the order ready: no commit, no row', async () => {
    const orderId = await preparingOrder('rolled-back@example.com')
    await expect(
      inTransaction(testDb.db, async (trx) => {
        const order = await lockOrder(trx, orderId)
        await markReady(trx, order!, context)
        expect(await notificationsOf(trx, [orderId])).toHaveLength(1) // there, inside
        throw new Error('a later step failed')
      }),
    ).rejects.toThrow('a later step failed')
    expect(await notificationsOf(testDb.db, [orderId])).toEqual([])
    const order = await testDb.db
      .selectFrom('sales_order')
      .select('status')
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow()
    expect(order.status).toBe('PREPARING')
  })

  it('writes nothing when the transition is refused', async () => {
    const { result } = await placeOrder(api, {
      storeGid: store.gid,
      lines: [{ variantId: variantGid, quantity: 1 }],
      email: 'too-early@example.com',
    })
    const refused = await staffMutation(api, manager)('orderMarkReady', { orderId: result.order!.id })
    expect(refused.data?.orderMarkReady?.userErrors.map((error) => error.code)).toEqual(['INVALID_TRANSITION'])
    expect(await notificationsOf(testDb.db, [rawId(result.order!.id)])).toEqual([])
  })

  it('keeps one notification per order and kind, whatever asks for a second', async () => {
    const orderId = await preparingOrder('once@example.com')
    await inTransaction(testDb.db, async (trx) => {
      const order = await lockOrder(trx, orderId)
      await markReady(trx, order!, context)
      // The state machine refuses a second "ready"; the service and the table refuse a second row.
      await queueOrderMessage(trx, { ...order!, contact_email: 'twice@example.com' }, 'ORDER_READY', NOW)
    })
    expect((await notificationsOf(testDb.db, [orderId])).map((row) => row.recipient)).toEqual(['once@example.com'])
    const duplicate = { order_id: orderId, kind: 'ORDER_READY' as const, channel: 'EMAIL' as const }
    await expect(
      testDb.db
        .insertInto('notification')
        .values({ ...duplicate, recipient: 'x@example.com', next_attempt_at: NOW })
        .execute(),
    ).rejects.toThrow(/duplicate key/)
    expect(await smtpDispatcher().dispatchOnce()).toEqual({ ...NOTHING, sent: 1 })
  })
})
