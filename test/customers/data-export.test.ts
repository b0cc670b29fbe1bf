import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CustomerHistory, customerGid, customerWithHistory } from '../fixtures/customer-history.js'
import { type StockedStore, stockedStore } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
const EXPORT = 'query($id: ID) { customerDataExport(customerId: $id) }'

let testDb: TestDb
let api: TestApp
let store: StockedStore
let manager: string
let admin: string
let zoe: CustomerHistory
let exported: Record<string, unknown> & { [section: string]: unknown }

// Loose on purpose: the document is JSON, and the test reads it as a client would.
// biome-ignore lint/suspicious/noExplicitAny: walking a JSON document
type Json = any

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  store = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 20 })
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  zoe = await customerWithHistory(
    api,
    store,
    { manager },
    {
      email: 'zoe.export@example.com',
      name: 'Zoé Export',
      phone: '+33 6 11 22 33 44',
      contactEmail: 'zoe.pickup@example.net',
    },
  )
  const own = await api.gql<{ customerDataExport: Json }>(EXPORT, {}, { token: zoe.token })
  expect(own.errors).toBeUndefined()
  exported = own.data!.customerDataExport
})
afterAll(() => testDb.destroy())

describe('customerDataExport', () => {
  it('holds the account, the carts with their lines and events, and the merged kiosk cart', () => {
    const doc: Json = exported
    expect(doc.format).toBe('comptoir.customer-data/1')
    expect(doc.customer).toMatchObject({
      id: zoe.customerId,
      email: 'zoe.export@example.com',
      name: 'Zoé Export',
      phone: '+33 6 11 22 33 44',
      erasedAt: null,
    })
    const channels = doc.carts.map((cart: Json) => `${cart.channel}:${cart.status}`)
    expect(channels).toEqual(expect.arrayContaining(['KIOSK:MERGED', 'APP:CHECKED_OUT']))
    expect(doc.carts.every((cart: Json) => cart.lines.every((line: Json) => line.quantity >= 1))).toBe(true)
    expect(doc.carts.some((cart: Json) => cart.lines.length > 0)).toBe(true)
    const eventTypes = doc.cartEvents.map((event: Json) => event.type)
    expect(eventTypes).toEqual(expect.arrayContaining(['created', 'checked_out']))
  })

  it('holds every order with its lines, payments, history and returns, its pickups and POS purchases', () => {
    const doc: Json = exported
    const orders = new Map(doc.orders.map((order: Json) => [order.id, order]))
    expect([...orders.keys()].sort()).toEqual([zoe.readyOrderId, zoe.placedOrderId, zoe.posOrderId].sort())
    const ready: Json = orders.get(zoe.readyOrderId)
    expect(ready).toMatchObject({ status: 'READY_FOR_PICKUP', contactEmail: 'zoe.pickup@example.net' })
    expect(ready.lines).toHaveLength(1)
    expect(ready.history.map((change: Json) => change.status)).toEqual(['PLACED', 'PREPARING', 'READY_FOR_PICKUP'])
    const pos: Json = orders.get(zoe.posOrderId)
    expect(pos.payments).toEqual(
      expect.arrayContaining([expect.objectContaining({ provider: 'CASH', tenderedMinor: 50_000 })]),
    )
    expect(pos.returns).toEqual([
      expect.objectContaining({ refundTo: 'CASH', lines: [{ lineNumber: 1, quantity: 1 }] }),
    ])
    expect(doc.pickups.map((pickup: Json) => pickup.orderId).sort()).toEqual(
      [zoe.readyOrderId, zoe.placedOrderId].sort(),
    )
    expect(doc.posPurchases.map((purchase: Json) => purchase.orderId)).toEqual([zoe.posOrderId])
    expect(doc.notifications).toEqual([
      expect.objectContaining({ orderId: zoe.readyOrderId, kind: 'ORDER_READY', recipient: 'zoe.pickup@example.net' }),
    ])
    const timeline = doc.timeline.map((entry: Json) => `${entry.kind}:${entry.type}`)
    expect(timeline).toEqual(expect.arrayContaining(['CART:MERGED', 'ORDER:READY_FOR_PICKUP', 'RETURN:REFUND_CASH']))
  })

  it('never includes a password hash, a pickup-code hash or a cart-token hash', async () => {
    const text = JSON.stringify(exported)
    const secrets = [
      ...(await testDb.db
        .selectFrom('customer')
        .select('password_hash as secret')
        .where('id', '=', zoe.customerId)
        .execute()),
      ...(await testDb.db
        .selectFrom('sales_order')
        .select('pickup_code_hash as secret')
        .where('customer_id', '=', zoe.customerId)
        .where('pickup_code_hash', 'is not', null)
        .execute()),
      ...(await testDb.db.selectFrom('cart_token').select('token_hash as secret').execute()),
    ].map((row) => row.secret as string)
    expect(secrets.length).toBeGreaterThan(3)
    for (const secret of secrets) expect(text).not.toContain(secret)
    expect(text).not.toContain(zoe.kioskCartToken)
    expect(text).not.toMatch(/scrypt\$|hash/i)
  })

  it('is the same document for an admin naming the customer, and refused to everyone else', async () => {
    const byAdmin = await api.gql<{ customerDataExport: Json }>(EXPORT, { id: zoe.customerGid }, { token: admin })
    expect({ ...byAdmin.data!.customerDataExport, exportedAt: null }).toEqual({ ...exported, exportedAt: null })
    const ownByName = await api.gql<{ customerDataExport: Json }>(EXPORT, { id: zoe.customerGid }, { token: zoe.token })
    expect(ownByName.data!.customerDataExport.customer.id).toBe(zoe.customerId)

    const alice = await api.gql<{ customerSignIn: { accessToken: string } }>(
      'mutation { customerSignIn(input: { email: "alice@comptoir.dev", password: "comptoir-alice" }) { accessToken } }',
    )
    const refusals = await Promise.all([
      api.gql(EXPORT, { id: zoe.customerGid }),
      api.gql(EXPORT, { id: zoe.customerGid }, { token: manager }),
      api.gql(EXPORT, { id: zoe.customerGid }, { token: alice.data!.customerSignIn.accessToken }),
      api.gql(EXPORT, {}, { token: admin }),
      api.gql(EXPORT, { id: customerGid('00000000-0000-4000-8000-000000000000') }, { token: admin }),
    ])
    expect(refusals.map((result) => result.errors?.[0]?.extensions?.code)).toEqual([
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'FORBIDDEN',
      'BAD_USER_INPUT',
      'NOT_FOUND',
    ])
    expect(refusals.every((result) => result.data?.customerDataExport == null)).toBe(true)
  })
})
