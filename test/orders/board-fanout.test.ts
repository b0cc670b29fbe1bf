import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/logger.js'
import { createOutboxDispatcher, type OutboxDispatcher } from '../../src/modules/events/outbox-dispatcher.js'
import { createAppPubSub } from '../../src/modules/events/pubsub.js'
import { cartHeaders, createCart } from '../fixtures/carts.js'
import { checkout, firstSlot, placeOrder, type StockedStore, stockedStore } from '../fixtures/orders.js'
import { type LiveServer, type SseSubscription, startLiveServer } from '../helpers/http-server.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

// The store's board on many screens of one instance, with orders landing in bursts: each order
// reaches every screen once, the reads behind them are shared, and rights are still checked per
// screen and per event.

const SCREENS = 20
const BURST = 10

interface BoardEvent {
  data?: { storeQueueUpdated: { id: string; number: string; status: string; lines: { quantity: number }[] } } | null
  errors?: unknown[]
}

const BOARD = `subscription($storeId: ID!) {
  storeQueueUpdated(storeId: $storeId) { id number status lines { quantity } }
}`

let testDb: TestDb
let api: TestApp
let live: LiveServer
let dispatcher: OutboxDispatcher
let rivoli: StockedStore
let bellecour: StockedStore

beforeAll(async () => {
  testDb = await createTestDb()
  rivoli = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 500, slotCapacity: 1000 })
  bellecour = await stockedStore(testDb.db, 'LYO-BELLECOUR', { onHand: 500, slotCapacity: 1000 })
  const pubsub = createAppPubSub()
  api = createTestApp(testDb, { pubsub })
  dispatcher = createOutboxDispatcher({ db: testDb.db, pubsub, logger: createLogger('silent'), pollIntervalMs: 100 })
  dispatcher.start()
  live = await startLiveServer(api)
})
afterAll(async () => {
  await live.close()
  await dispatcher.stop()
  await testDb.destroy()
})

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

function watch(store: StockedStore, token: string): Promise<SseSubscription<BoardEvent>> {
  return live.subscribe<BoardEvent>(BOARD, { storeId: store.storeGid }, bearer(token))
}

/** Carts ready to check out at the store, so that the burst is the checkouts alone. */
async function readyCarts(store: StockedStore, count: number) {
  const pickupSlotStart = await firstSlot(api, store.storeGid)
  return Promise.all(
    Array.from({ length: count }, async () => {
      const { cart, cartToken } = await createCart(api, {
        channel: 'APP',
        lines: [{ variantId: store.variantGid, quantity: 1 }],
      })
      return { cartId: cart.id, cartToken, pickupSlotStart }
    }),
  )
}

async function placeNow(store: StockedStore): Promise<string> {
  const { result } = await placeOrder(api, {
    storeGid: store.storeGid,
    lines: [{ variantId: store.variantGid, quantity: 1 }],
  })
  if (!result.order) throw new Error(`checkout failed: ${JSON.stringify(result)}`)
  return result.order.id
}

/** The board's events up to and including `last`'s, in order. */
async function eventsUntil(stream: SseSubscription<BoardEvent>, last: string): Promise<BoardEvent[]> {
  const events: BoardEvent[] = []
  for (;;) {
    const event = await stream.next(10_000)
    events.push(event)
    if (event.errors || event.data?.storeQueueUpdated.id === last) return events
  }
}

/** How the stream ended, or the first event it still sent. */
async function endOf(stream: SseSubscription<BoardEvent>): Promise<string> {
  try {
    return `announced ${JSON.stringify(await stream.next(5000))}`
  } catch (error) {
    return (error as Error).message
  }
}

const sessionReads = (statements: readonly string[]) => statements.filter((sql) => /from "auth_session"/.test(sql))
const lineReads = (statements: readonly string[]) =>
  statements.filter((sql) => /^select \* from "order_line" where "order_id" in/.test(sql))

describe("a store's board on many screens, orders in bursts", () => {
  it('brings every order of a burst to every screen once, reading the session and the orders far fewer times than screens × orders', async () => {
    const manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
    const signIn = await api.gql<{ staffSignIn: { accessToken: string; refreshToken: string } }>(
      'mutation { staffSignIn(input: { email: "admin@comptoir.dev", password: "comptoir-admin" }) { accessToken refreshToken } }',
    )
    const leaving = signIn.data?.staffSignIn
    if (!leaving) throw new Error('setup failed')
    const otherManager = await api.signInStaff('manager.lyo-bellecour@comptoir.dev')

    const screens = await Promise.all(Array.from({ length: SCREENS }, () => watch(rivoli, manager)))
    const signedOut = await watch(rivoli, leaving.accessToken)
    const otherStore = await watch(bellecour, otherManager)
    // Every stream is live once it has seen an order placed after it opened.
    const probe = await placeNow(rivoli)
    for (const stream of [...screens, signedOut]) await eventsUntil(stream, probe)
    const otherProbe = await placeNow(bellecour)
    await eventsUntil(otherStore, otherProbe)

    await api.gql('mutation($input: StaffSignOutInput!) { staffSignOut(input: $input) { signedOut } }', {
      input: { refreshToken: leaving.refreshToken },
    })
    const carts = await readyCarts(rivoli, BURST)
    testDb.statements.length = 0
    const placed = await Promise.all(
      carts.map(async (cart) => {
        const result = await checkout(
          api,
          { cartId: cart.cartId, storeId: rivoli.storeGid, pickupSlotStart: cart.pickupSlotStart },
          cartHeaders(cart.cartToken),
        )
        if (!result.order) throw new Error(`checkout failed: ${JSON.stringify(result)}`)
        return result.order
      }),
    )
    // An order placed after the burst closes it: what a screen has before it is all it gets.
    const closing = await placeNow(rivoli)
    const received = await Promise.all(screens.map((stream) => eventsUntil(stream, closing)))
    const statements = [...testDb.statements]

    const expected = placed.map((order) => order.id).sort()
    for (const events of received) {
      expect(events.every((event) => !event.errors)).toBe(true)
      const ids = events.map((event) => event.data?.storeQueueUpdated.id)
      expect(ids.at(-1)).toBe(closing)
      // Once each: no order of the burst missing, none twice.
      expect(ids.slice(0, -1).sort()).toEqual(expected)
      for (const event of events) {
        const order = event.data?.storeQueueUpdated
        const asPlaced = placed.find((one) => one.id === order?.id)
        if (asPlaced)
          expect(order).toMatchObject({ number: asPlaced.number, status: 'PLACED', lines: [{ quantity: 1 }] })
      }
    }
    // The signed-out session's screen learns nothing of the burst: its stream ends at the first event.
    expect(await endOf(signedOut)).toBe('the event stream ended')
    // Another store's board hears nothing of this one's orders.
    await expect(otherStore.next(300)).rejects.toThrow('no event arrived in time')

    // One screen per order per event read the session and the orders before: (BURST + 1) × (SCREENS + 1)
    // session reads and BURST + 1 reads of orders.
    const deliveries = (BURST + 1) * (SCREENS + 1)
    console.info(
      `burst of ${BURST} + 1 orders to ${SCREENS} + 1 screens: ${sessionReads(statements).length} session reads, ${lineReads(statements).length} order reads, ${statements.length} statements in all (checkouts included), for ${deliveries} deliveries`,
    )
    expect(sessionReads(statements).length).toBeLessThanOrEqual(BURST + 2)
    expect(lineReads(statements).length).toBeLessThanOrEqual(BURST + 1)
    for (const stream of [...screens, otherStore]) stream.close()
  })
})
