import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../src/db/transaction.js'
import { createLogger } from '../../src/logger.js'
import { createOutboxDispatcher } from '../../src/modules/events/outbox-dispatcher.js'
import { createAppPubSub } from '../../src/modules/events/pubsub.js'
import { backfillInsights } from '../../src/modules/insights/insight-backfill.service.js'
import { bucketOfSeconds, secondsOfBucket } from '../../src/modules/insights/insight-buckets.js'
import { orderTimersJob } from '../../src/modules/orders/order-timers.job.js'
import { allOutboxConsumers } from '../../src/outbox-consumers.js'
import { cartHeaders, createCart } from '../fixtures/carts.js'
import { rawId } from '../fixtures/notifications.js'
import { checkout, firstSlot, placeOrder, type StockedStore, stockedStore } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let offsetMs = 0
let rivoli: StockedStore
let lyon: StockedStore
let admin: string
let managerRivoli: string
const dispatch = () =>
  createOutboxDispatcher({
    db: testDb.db,
    pubsub: createAppPubSub(),
    logger: createLogger('silent'),
    consumers: allOutboxConsumers(),
  }).dispatchOnce()

const ROW_FIELDS = `period store { id code } channel cartsStarted ordersPlaced posSales conversion crossDeviceOrders
  crossDeviceShare averageBasket { amountMinor currencyCode } revenue { amountMinor currencyCode }
  revenueByChannel { channel revenue { amountMinor currencyCode } }
  placedToReady { samples p50Seconds p90Seconds } readyOrders readyBeforeSlotShare
  counterWait { samples p50Seconds p90Seconds } noShows noShowShare cancellations cancellationShare
  collectedOrders returnedOrders returnsRate`
const INSIGHTS = `query($from: String!, $to: String!, $storeIds: [ID!], $groupBy: InsightGrouping!) {
  insights(from: $from, to: $to, storeIds: $storeIds, groupBy: $groupBy) { ${ROW_FIELDS} } }`
const INSIGHTS_CSV = `query($from: String!, $to: String!, $storeIds: [ID!], $groupBy: InsightGrouping!) {
  insightsCsv(from: $from, to: $to, storeIds: $storeIds, groupBy: $groupBy) }`

interface Row {
  period: string | null
  store: { id: string; code: string } | null
  channel: string | null
  cartsStarted: number
  ordersPlaced: number
  posSales: number
  conversion: number | null
  crossDeviceOrders: number
  crossDeviceShare: number | null
  averageBasket: { amountMinor: number; currencyCode: string }[]
  revenue: { amountMinor: number; currencyCode: string }[]
  revenueByChannel: { channel: string; revenue: { amountMinor: number } }[]
  placedToReady: { samples: number; p50Seconds: number | null; p90Seconds: number | null }
  readyOrders: number
  readyBeforeSlotShare: number | null
  counterWait: { samples: number; p50Seconds: number | null; p90Seconds: number | null }
  noShows: number
  noShowShare: number | null
  cancellations: number
  cancellationShare: number | null
  collectedOrders: number
  returnedOrders: number
  returnsRate: number | null
}

const parisDay = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(at)
const shifted = (days: number) => parisDay(new Date(Date.now() + days * 86_400_000))
const PERIOD = () => ({ from: shifted(-2), to: shifted(2) })

async function insights(token: string, groupBy: string, storeIds?: string[]) {
  return api.gql<{ insights: Row[] }>(INSIGHTS, { ...PERIOD(), groupBy, storeIds }, { token })
}

const mutate = (name: string, input: object, token: string) =>
  api.gql<Record<string, { userErrors: { code: string }[] }>>(
    `mutation($input: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { userErrors { code } } }`,
    { input },
    { token },
  )

async function ok(name: string, input: object, token: string) {
  const result = await mutate(name, input, token)
  if (!result.data?.[name] || result.data[name]!.userErrors.length > 0) {
    throw new Error(`${name} failed: ${JSON.stringify(result)}`)
  }
}

interface Placed {
  gid: string
  total: number
  channel: string
  readyBeforeSlot?: boolean
  pickupCode: string
}
const orders: Record<string, Placed> = {}
let posTotal = 0
let placedDay = ''

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => new Date(Date.now() + offsetMs) })
  rivoli = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 50 })
  lyon = await stockedStore(testDb.db, 'LYO-BELLECOUR', { onHand: 50 })
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  managerRivoli = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  const managerLyon = await api.signInStaff('manager.lyo-bellecour@comptoir.dev')
  await dispatch()
  const line = (store: StockedStore) => [{ variantId: store.variantGid, quantity: 1 }]

  // An abandoned cart that never gets a store, and one started on the phone, finished on a laptop.
  const onPhone = { 'x-device-id': 'phone-1' }
  const onLaptop = { 'x-device-id': 'laptop-1' }
  await createCart(api, { channel: 'WEB', lines: line(rivoli) })
  const phone = await createCart(api, { channel: 'APP', lines: line(rivoli) }, undefined, onPhone)
  const handoff = await api.gql<{ cartHandoffCreate: { code: string } }>(
    'mutation($input: CartHandoffCreateInput!) { cartHandoffCreate(input: $input) { code } }',
    { input: { cartId: phone.cart.id } },
    { headers: { ...cartHeaders(phone.cartToken), ...onPhone } },
  )
  const claim = await api.gql<{ cartHandoffClaim: { cartToken: string } }>(
    'mutation($input: CartHandoffClaimInput!) { cartHandoffClaim(input: $input) { cartToken } }',
    { input: { code: handoff.data!.cartHandoffCreate.code, channel: 'WEB' } },
    { headers: onLaptop },
  )
  // Both carts are counted now, under no store; the checkout moves the second to its store.
  await dispatch()
  const crossed = await checkout(
    api,
    { cartId: phone.cart.id, storeId: rivoli.storeGid, pickupSlotStart: await firstSlot(api, rivoli.storeGid) },
    { ...cartHeaders(claim.data!.cartHandoffClaim.cartToken), ...onLaptop },
  )
  await createCart(api, { channel: 'APP', lines: line(rivoli), storeId: rivoli.storeGid })

  const place = async (store: StockedStore) => {
    const { result } = await placeOrder(api, { storeGid: store.storeGid, lines: line(store) })
    if (!result.order) throw new Error(JSON.stringify(result))
    return result
  }
  for (const [name, result] of [
    ['cancelled', crossed],
    ['collected', await place(rivoli)],
    ['expired', await place(rivoli)],
    ['lyon', await place(lyon)],
  ] as const) {
    orders[name] = {
      gid: result.order!.id,
      total: result.order!.total.amountMinor,
      channel: result.order!.channel,
      pickupCode: result.pickupCode ?? '',
    }
  }
  placedDay = parisDay(new Date())
  const sale = await api.gql<{ posSaleCreate: { order: { id: string; total: { amountMinor: number } } } }>(
    `mutation($input: PosSaleCreateInput!) { posSaleCreate(input: $input) { order { id total { amountMinor } } } }`,
    { input: { lines: line(rivoli), payment: { method: 'CASH', amountTendered: '5000.00' } } },
    { token: managerRivoli },
  )
  posTotal = sale.data!.posSaleCreate.order.total.amountMinor

  await ok('orderCancel', { orderId: orders.cancelled!.gid, reason: 'changed my mind' }, managerRivoli)
  const staffOf = (name: string) => (name === 'lyon' ? managerLyon : managerRivoli)
  for (const name of ['collected', 'expired', 'lyon']) {
    await ok('orderStartPreparing', { orderId: orders[name]!.gid }, staffOf(name))
  }
  offsetMs = 600_000
  for (const name of ['collected', 'expired', 'lyon']) {
    await ok('orderMarkReady', { orderId: orders[name]!.gid }, staffOf(name))
    const row = await testDb.db
      .selectFrom('sales_order')
      .select(['ready_at', 'pickup_slot_start'])
      .where('id', '=', rawId(orders[name]!.gid))
      .executeTakeFirstOrThrow()
    orders[name]!.readyBeforeSlot = new Date(row.ready_at!) <= new Date(row.pickup_slot_start!)
  }
  offsetMs = 700_000
  await ok('orderArrive', { orderId: orders.collected!.gid }, managerRivoli)
  offsetMs = 820_000
  const cash = { method: 'CASH', amountTendered: '5000.00' }
  for (const name of ['collected', 'lyon']) {
    await ok(
      'orderCollect',
      { orderId: orders[name]!.gid, pickupCode: orders[name]!.pickupCode, payment: cash },
      staffOf(name),
    )
  }
  const sku = await testDb.db
    .selectFrom('order_line')
    .select('sku')
    .where('order_id', '=', rawId(orders.collected!.gid))
    .executeTakeFirstOrThrow()
  await ok(
    'posReturnCreate',
    { orderId: orders.collected!.gid, lines: [{ sku: sku.sku, quantity: 1 }], refundTo: 'CASH' },
    managerRivoli,
  )
  const expiry = await inTransaction(testDb.db, (trx) =>
    orderTimersJob({ reminderLeadMinutes: 0 }).run(trx, new Date(Date.now() + 400 * 3_600_000)),
  )
  expect(expiry.details).toMatchObject({ expired: 1 })
  await dispatch()
})
afterAll(() => testDb.destroy())

function expectedRivoli() {
  const { cancelled, collected, expired } = orders as Record<string, Placed>
  const readyBeforeSlot = [collected!, expired!].filter((order) => order.readyBeforeSlot).length
  return {
    store: { id: rivoli.storeGid, code: 'PAR-RIVOLI' },
    cartsStarted: 4,
    ordersPlaced: 3,
    posSales: 1,
    conversion: 3 / 4,
    crossDeviceOrders: 1,
    crossDeviceShare: 1 / 3,
    averageBasket: [
      {
        amountMinor: Math.round((cancelled!.total + collected!.total + expired!.total + posTotal) / 4),
        currencyCode: 'EUR',
      },
    ],
    revenue: [{ amountMinor: collected!.total + posTotal, currencyCode: 'EUR' }],
    readyOrders: 2,
    readyBeforeSlotShare: readyBeforeSlot / 2,
    placedToReady: {
      samples: 2,
      p50Seconds: secondsOfBucket(bucketOfSeconds(600)),
      p90Seconds: secondsOfBucket(bucketOfSeconds(600)),
    },
    counterWait: {
      samples: 1,
      p50Seconds: secondsOfBucket(bucketOfSeconds(120)),
      p90Seconds: secondsOfBucket(bucketOfSeconds(120)),
    },
    noShows: 1,
    noShowShare: 1 / 3,
    cancellations: 1,
    cancellationShare: 1 / 3,
    collectedOrders: 2,
    returnedOrders: 1,
    returnsRate: 1 / 2,
  }
}

function expectedLyon() {
  const lyonOrder = orders.lyon!
  return {
    store: { id: lyon.storeGid, code: 'LYO-BELLECOUR' },
    cartsStarted: 1,
    ordersPlaced: 1,
    posSales: 0,
    conversion: 1,
    crossDeviceOrders: 0,
    crossDeviceShare: 0,
    averageBasket: [{ amountMinor: lyonOrder.total, currencyCode: 'EUR' }],
    revenue: [{ amountMinor: lyonOrder.total, currencyCode: 'EUR' }],
    revenueByChannel: [{ channel: lyonOrder.channel, revenue: { amountMinor: lyonOrder.total } }],
    readyOrders: 1,
    readyBeforeSlotShare: lyonOrder.readyBeforeSlot ? 1 : 0,
    counterWait: { samples: 0, p50Seconds: null, p90Seconds: null },
    noShows: 0,
    cancellations: 0,
    collectedOrders: 1,
    returnedOrders: 0,
    returnsRate: 0,
  }
}

describe('insights, from the rollups the outbox keeps', () => {
  it('answers per store what the orders, carts and sales add up to', async () => {
    const result = await insights(admin, 'STORE')
    expect(result.errors).toBeUndefined()
    const rows = result.data!.insights
    expect(rows).toHaveLength(3)
    const rivoliRow = rows.find((row) => row.store?.code === 'PAR-RIVOLI')!
    expect(rivoliRow).toMatchObject(expectedRivoli())
    expect(rivoliRow.revenueByChannel).toEqual(
      [
        { channel: orders.collected!.channel, revenue: { amountMinor: orders.collected!.total, currencyCode: 'EUR' } },
        { channel: 'POS', revenue: { amountMinor: posTotal, currencyCode: 'EUR' } },
      ].sort(
        (a, b) => ['WEB', 'APP', 'KIOSK', 'POS'].indexOf(a.channel) - ['WEB', 'APP', 'KIOSK', 'POS'].indexOf(b.channel),
      ),
    )
    expect(rows.find((row) => row.store?.code === 'LYO-BELLECOUR')).toMatchObject(expectedLyon())
    // The cart never given a store is the admin's, under no store.
    expect(rows.find((row) => row.store === null)).toMatchObject({ cartsStarted: 1, ordersPlaced: 0, conversion: 0 })
  })

  it('cuts the same figures per day, week and channel', async () => {
    const rivoliFigures = expectedRivoli()
    const lyonFigures = expectedLyon()
    const day = await insights(admin, 'DAY', [rivoli.storeGid, lyon.storeGid])
    expect(day.data!.insights).toHaveLength(1)
    expect(day.data!.insights[0]).toMatchObject({
      period: placedDay,
      cartsStarted: 5,
      ordersPlaced: 4,
      posSales: 1,
      collectedOrders: 3,
      noShows: 1,
      cancellations: 1,
      returnedOrders: 1,
      placedToReady: { samples: 3 },
      revenue: [
        {
          amountMinor: rivoliFigures.revenue[0]!.amountMinor + lyonFigures.revenue[0]!.amountMinor,
          currencyCode: 'EUR',
        },
      ],
    })
    const week = await insights(admin, 'WEEK', [rivoli.storeGid, lyon.storeGid])
    const monday = new Date(`${placedDay}T00:00:00Z`)
    monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7))
    expect(week.data!.insights.map((row) => row.period)).toEqual([monday.toISOString().slice(0, 10)])
    expect(week.data!.insights[0]).toMatchObject({ ordersPlaced: 4, cartsStarted: 5 })

    const channel = await insights(admin, 'CHANNEL', [rivoli.storeGid, lyon.storeGid])
    const pos = channel.data!.insights.find((row) => row.channel === 'POS')!
    expect(pos).toMatchObject({
      posSales: 1,
      ordersPlaced: 0,
      revenue: [{ amountMinor: posTotal, currencyCode: 'EUR' }],
    })
    const placedChannels = new Map<string, number>()
    for (const order of Object.values(orders))
      placedChannels.set(order.channel, (placedChannels.get(order.channel) ?? 0) + 1)
    for (const [name, count] of placedChannels) {
      expect(channel.data!.insights.find((row) => row.channel === name)?.ordersPlaced).toBe(count)
    }
    const cartsByChannel = channel.data!.insights.reduce((sum, row) => sum + row.cartsStarted, 0)
    expect(cartsByChannel).toBe(5)
  })

  it('shows a manager their stores only, and refuses another store', async () => {
    const own = await insights(managerRivoli, 'STORE')
    expect(own.data!.insights.map((row) => row.store?.code)).toEqual(['PAR-RIVOLI'])
    expect(own.data!.insights[0]).toMatchObject(expectedRivoli())
    const other = await insights(managerRivoli, 'STORE', [lyon.storeGid])
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect(other.data).toBeNull()
    expect((await insights('', 'STORE')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    const reversed = await api.gql(INSIGHTS, { from: shifted(1), to: shifted(-1), groupBy: 'DAY' }, { token: admin })
    expect(reversed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
  })

  it('exports the same figures as CSV', async () => {
    const csv = await api.gql<{ insightsCsv: string }>(
      INSIGHTS_CSV,
      { ...PERIOD(), groupBy: 'STORE' },
      { token: admin },
    )
    const [header, ...lines] = csv.data!.insightsCsv.trimEnd().split('\r\n')
    const columns = header!.split(',')
    const records = lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [columns[i], cell])))
    expect(records).toHaveLength(3)
    const rows = (await insights(admin, 'STORE')).data!.insights
    for (const row of rows) {
      const record = records.find((candidate) => candidate.store_code === (row.store?.code ?? ''))!
      const num = (value: number | null) => (value === null ? '' : String(value))
      expect(record).toMatchObject({
        group_by: 'STORE',
        store_id: row.store ? rawId(row.store.id) : '',
        carts_started: num(row.cartsStarted),
        orders_placed: num(row.ordersPlaced),
        pos_sales: num(row.posSales),
        conversion: num(row.conversion),
        cross_device_share: num(row.crossDeviceShare),
        placed_to_ready_p50_s: num(row.placedToReady.p50Seconds),
        placed_to_ready_p90_s: num(row.placedToReady.p90Seconds),
        ready_before_slot_share: num(row.readyBeforeSlotShare),
        counter_wait_p50_s: num(row.counterWait.p50Seconds),
        no_shows: num(row.noShows),
        cancellations: num(row.cancellations),
        returns_rate: num(row.returnsRate),
        currency: row.revenue[0]?.currencyCode ?? '',
        average_basket_minor: num(row.averageBasket[0]?.amountMinor ?? null),
        revenue_minor: num(row.revenue[0]?.amountMinor ?? null),
        revenue_pos_minor:
          row.revenue.length === 0
            ? ''
            : num(row.revenueByChannel.find((e) => e.channel === 'POS')?.revenue.amountMinor ?? 0),
      })
    }
  })

  it('counts nothing twice: events replayed, then a backfill over what is counted, then a rebuild', async () => {
    const before = (await insights(admin, 'STORE')).data!.insights
    await testDb.db.updateTable('outbox_event').set({ published_at: null }).execute()
    await dispatch()
    expect((await insights(admin, 'STORE')).data!.insights).toEqual(before)
    await backfillInsights(testDb.db, { reset: false, pageSize: 2 })
    expect((await insights(admin, 'STORE')).data!.insights).toEqual(before)
    await backfillInsights(testDb.db, { reset: true, pageSize: 2 })
    expect((await insights(admin, 'STORE')).data!.insights).toEqual(before)
  })
})
