import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type Db } from '../../src/db/create-db.js'
import { createLogger } from '../../src/logger.js'
import { createNotificationDispatcher } from '../../src/modules/notifications/notification-dispatcher.js'
import type { NotificationProvider } from '../../src/modules/notifications/notification-provider.js'
import { createSmtpProvider } from '../../src/modules/notifications/smtp.provider.js'
import { capturingLogger, notificationsOf, type ReadyOrder, readyOrder } from '../fixtures/notifications.js'
import { staffMutation, stockedStore } from '../fixtures/orders.js'
import { countByMessageId, type ReceivedMail, startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
const LEASE_MS = 120_000
const NOTHING = { sent: 0, retrying: 0, failed: 0, skipped: 0 }
const logger = createLogger('silent')
let testDb: TestDb
let api: TestApp
let smtp: TestSmtpServer
let storeGid: string
let variantGid: string
let manager: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  smtp = await startSmtpServer()
  ;({ storeGid, variantGid } = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 500, slotCapacity: 100 }))
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
})
afterAll(async () => {
  await smtp.close()
  await testDb.destroy()
})
// Whatever a test leaves queued must not be sent by the next one.
afterEach(async () => {
  await testDb.db.updateTable('notification').set({ status: 'SKIPPED' }).where('status', '=', 'PENDING').execute()
})

const smtpProvider = () => createSmtpProvider({ url: smtp.url, from: 'Comptoir <no-reply@comptoir.dev>' })
const at = (ms: number) => new Date(NOW.getTime() + ms)

function dispatcherAt(now: Date, options: { provider?: NotificationProvider; db?: Db } = {}) {
  return createNotificationDispatcher({
    db: options.db ?? testDb.db,
    provider: options.provider ?? smtpProvider(),
    logger,
    now: () => now,
    leaseMs: LEASE_MS,
  })
}

async function readyOrders(count: number, label: string): Promise<(ReadyOrder & { email: string })[]> {
  const orders: (ReadyOrder & { email: string })[] = []
  for (let index = 0; index < count; index++) {
    const email = `${label}-${index}@example.com`
    orders.push({ ...(await readyOrder(api, manager, { storeGid, variantGid, email })), email })
  }
  return orders
}

/** The distinct Message-IDs each order's customer received: exactly one each is the goal. */
function messageIdsByRecipient(mails: readonly ReceivedMail[]): Record<string, string[]> {
  const byRecipient = new Map<string, Set<string>>()
  for (const mail of mails) {
    for (const to of mail.to) {
      const ids = byRecipient.get(to) ?? new Set<string>()
      ids.add(mail.headers['message-id'] ?? '')
      byRecipient.set(to, ids)
    }
  }
  return Object.fromEntries([...byRecipient].map(([to, ids]) => [to, [...ids]]))
}

/** A provider whose process dies at its `dieAt`-th send: never returns, never records anything. */
function dyingProvider(dieAt: number, when: 'before sending' | 'after the server accepted') {
  const real = smtpProvider()
  let calls = 0
  let died: () => void = () => {}
  const dead = new Promise<void>((resolve) => {
    died = resolve
  })
  const provider: NotificationProvider = {
    name: 'SMTP',
    async send(message) {
      calls++
      if (calls === dieAt && when === 'before sending') {
        died()
        await new Promise(() => {})
      }
      await real.send(message)
      if (calls === dieAt) {
        died()
        await new Promise(() => {})
      }
    },
  }
  return { provider, dead }
}

describe('exactly one email per ready order', () => {
  it('survives a sender dying after the server accepted a message: resent after the lease, same Message-ID', async () => {
    const orders = await readyOrders(4, 'accepted')
    const ids = orders.map((order) => order.id)
    const before = smtp.received.length
    const { provider, dead } = dyingProvider(2, 'after the server accepted')
    void dispatcherAt(NOW, { provider }).dispatchOnce() // never settles: that process is gone
    await dead

    const afterCrash = await notificationsOf(testDb.db, ids)
    expect(afterCrash.map((row) => row.status).sort()).toEqual(['PENDING', 'PENDING', 'PENDING', 'SENT'])
    const leased = afterCrash.filter((row) => row.claimed_until !== null)
    expect(leased).toHaveLength(1)
    expect(new Date(leased[0]!.claimed_until!)).toEqual(at(LEASE_MS))

    // Restarted at once: the rest goes out; the leased one waits for its lease to end.
    expect(await dispatcherAt(at(1000)).dispatchOnce()).toEqual({ ...NOTHING, sent: 2 })
    expect(await dispatcherAt(at(LEASE_MS - 1)).dispatchOnce()).toEqual(NOTHING)
    expect(await dispatcherAt(at(LEASE_MS)).dispatchOnce()).toEqual({ ...NOTHING, sent: 1 })

    const rows = await notificationsOf(testDb.db, ids)
    expect(rows.every((row) => row.status === 'SENT' && row.claimed_until === null)).toBe(true)
    expect(rows.find((row) => row.id === leased[0]!.id)?.attempts).toBe(2)
    const mails = smtp.received.slice(before)
    // The message accepted just before the crash arrived twice, under one Message-ID that
    // receiving servers and clients collapse: each customer sees one email.
    expect(mails).toHaveLength(5)
    const counts = countByMessageId(mails)
    expect(counts.get(`<${leased[0]!.id}@comptoir.dev>`)).toBe(2)
    expect([...counts.values()].sort()).toEqual([1, 1, 1, 2])
    expect(messageIdsByRecipient(mails)).toEqual(
      Object.fromEntries(
        orders.map((order) => [order.email, [`<${rows.find((row) => row.order_id === order.id)!.id}@comptoir.dev>`]]),
      ),
    )
  })

  it('survives a sender dying between its claim and the send: sent once, after the lease', async () => {
    const orders = await readyOrders(3, 'claimed')
    const ids = orders.map((order) => order.id)
    const before = smtp.received.length
    const { provider, dead } = dyingProvider(1, 'before sending')
    void dispatcherAt(NOW, { provider }).dispatchOnce()
    await dead

    expect(await dispatcherAt(at(1000)).dispatchOnce()).toEqual({ ...NOTHING, sent: 2 })
    expect(await dispatcherAt(at(LEASE_MS + 1000)).dispatchOnce()).toEqual({ ...NOTHING, sent: 1 })
    const rows = await notificationsOf(testDb.db, ids)
    expect(rows.map((row) => row.status)).toEqual(['SENT', 'SENT', 'SENT'])
    const mails = smtp.received.slice(before)
    expect(mails).toHaveLength(3)
    expect([...countByMessageId(mails).values()]).toEqual([1, 1, 1])
    expect(Object.keys(messageIdsByRecipient(mails)).sort()).toEqual(orders.map((order) => order.email).sort())
  })

  it('never sends one notification twice from two dispatchers running at once', async () => {
    const orders = await readyOrders(12, 'race')
    const before = smtp.received.length
    // On PostgreSQL the second dispatcher has its own pool, as another instance would.
    const otherDb = testDb.url ? await createDb({ kind: 'postgres', url: testDb.url, poolMax: 4 }) : testDb.db
    try {
      const results = await Promise.all([
        dispatcherAt(NOW).dispatchOnce(),
        dispatcherAt(NOW, { db: otherDb }).dispatchOnce(),
      ])
      expect(results[0].sent + results[1].sent).toBe(12)
      if (testDb.kind === 'postgres') expect(results.every((result) => result.sent > 0)).toBe(true)
    } finally {
      if (otherDb !== testDb.db) await otherDb.destroy()
    }
    const mails = smtp.received.slice(before)
    expect(mails).toHaveLength(12)
    expect(countByMessageId(mails).size).toBe(12)
    expect(Object.keys(messageIdsByRecipient(mails)).sort()).toEqual(orders.map((order) => order.email).sort())
  })
})

describe('failed sends', () => {
  it('are retried after a backoff with the error kept, and sent once the server takes them', async () => {
    const [order] = await readyOrders(1, 'later')
    smtp.refuse.set(order!.email, 451)
    const before = smtp.received.length
    try {
      expect(await dispatcherAt(NOW).dispatchOnce()).toEqual({ ...NOTHING, retrying: 1 })
      const [row] = await notificationsOf(testDb.db, [order!.id])
      expect(row).toMatchObject({ status: 'PENDING', attempts: 1, claimed_until: null })
      expect(row!.last_error).toContain('451')
      expect(new Date(row!.next_attempt_at)).toEqual(at(30_000))
      expect(await dispatcherAt(at(29_999)).dispatchOnce()).toEqual(NOTHING)
    } finally {
      smtp.refuse.delete(order!.email)
    }
    expect(await dispatcherAt(at(30_000)).dispatchOnce()).toEqual({ ...NOTHING, sent: 1 })
    expect(await notificationsOf(testDb.db, [order!.id])).toMatchObject([
      { status: 'SENT', attempts: 2, last_error: null },
    ])
    expect(smtp.received.slice(before).map((mail) => mail.to)).toEqual([[order!.email]])
  })

  it('are given up after the last attempt, logged as an error', async () => {
    const [order] = await readyOrders(1, 'unknown')
    smtp.refuse.set(order!.email, 550)
    const { logger: captured, lines } = capturingLogger('info')
    const retry = { maxAttempts: 3, firstDelayMs: 1000, maxDelayMs: 1500 }
    const dispatcher = (now: Date) =>
      createNotificationDispatcher({ db: testDb.db, provider: smtpProvider(), logger: captured, now: () => now, retry })
    try {
      expect(await dispatcher(NOW).dispatchOnce()).toEqual({ ...NOTHING, retrying: 1 })
      expect(await dispatcher(at(1000)).dispatchOnce()).toEqual({ ...NOTHING, retrying: 1 })
      // The doubled wait (2 s) is capped at 1.5 s.
      expect(await dispatcher(at(2499)).dispatchOnce()).toEqual(NOTHING)
      expect(await dispatcher(at(2500)).dispatchOnce()).toEqual({ ...NOTHING, failed: 1 })
      expect(await dispatcher(at(3_600_000)).dispatchOnce()).toEqual(NOTHING)
    } finally {
      smtp.refuse.delete(order!.email)
    }
    const [row] = await notificationsOf(testDb.db, [order!.id])
    expect(row).toMatchObject({ status: 'FAILED', attempts: 3, claimed_until: null, sent_at: null })
    expect(row!.last_error).toContain('550')
    const errors = lines().filter((line) => line.level === 50)
    expect(errors).toMatchObject([{ msg: 'notification given up', notificationId: row!.id, orderId: order!.id }])
    expect(lines().filter((line) => line.level === 40)).toHaveLength(2)
  })

  it('are given up, unsent, when senders keep dying on them', async () => {
    const [order] = await readyOrders(1, 'poison')
    const [queued] = await notificationsOf(testDb.db, [order!.id])
    // Claimed as often as the policy allows, its senders never coming back; the last lease is over.
    await testDb.db
      .updateTable('notification')
      .set({ attempts: 8, claimed_until: at(-1) })
      .where('id', '=', queued!.id)
      .execute()
    const before = smtp.received.length
    expect(await dispatcherAt(NOW).dispatchOnce()).toEqual({ ...NOTHING, failed: 1 })
    expect(await notificationsOf(testDb.db, [order!.id])).toMatchObject([{ status: 'FAILED', attempts: 9 }])
    expect(smtp.received).toHaveLength(before)
  })
})

describe('orders that moved on', () => {
  it('are not told they are ready once cancelled, only that it is cancelled', async () => {
    const [order] = await readyOrders(1, 'cancelled')
    const cancelled = await staffMutation(api, manager)('orderCancel', { orderId: order!.gid, reason: 'damaged' })
    expect(cancelled.data?.orderCancel?.userErrors).toEqual([])
    const before = smtp.received.length
    expect(await dispatcherAt(NOW).dispatchOnce()).toEqual({ ...NOTHING, sent: 1, skipped: 1 })
    const rows = await notificationsOf(testDb.db, [order!.id])
    expect(rows.find((row) => row.kind === 'ORDER_READY')).toMatchObject({
      status: 'SKIPPED',
      last_error: 'the order is CANCELLED, no longer to be told ORDER_READY',
      sent_at: null,
    })
    expect(rows.find((row) => row.kind === 'ORDER_CANCELLED')).toMatchObject({ status: 'SENT' })
    expect(smtp.received.slice(before).map((mail) => mail.headers.subject)).toEqual([
      `Order ${order!.number} is cancelled`,
    ])
  })
})
