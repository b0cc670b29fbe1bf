import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eraseCustomer } from '../../src/modules/customers/customer-privacy.service.js'
import { cartHeaders, READ_CART } from '../fixtures/carts.js'
import { type CustomerHistory, customerGid, customerWithHistory } from '../fixtures/customer-history.js'
import { globalId } from '../fixtures/ids.js'
import { type StockedStore, staffMutation, stockedStore } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
const ERASE = `mutation($input: CustomerEraseInput!) {
  customerErase(input: $input) { customer { id email name phone erasedAt } userErrors { code } }
}`
const SIGN_IN = `mutation($input: CustomerSignInInput!) { customerSignIn(input: $input) { accessToken userErrors { code } } }`

let testDb: TestDb
let api: TestApp
let store: StockedStore
let manager: string
let admin: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  store = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 40 })
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
})
afterAll(() => testDb.destroy())

let people = 0
function historyOf(tag: string): Promise<CustomerHistory> {
  people++
  return customerWithHistory(
    api,
    store,
    { manager },
    {
      email: `${tag}.person${people}@example.com`,
      name: `Nadège Quellec-${tag}`,
      phone: `+33 7 55 0${people} 12 34`,
      contactEmail: `${tag}.elsewhere${people}@example.org`,
    },
  )
}

/** Every place in the database where `needle` still appears: any text, varchar or jsonb column of any table. */
async function placesHolding(needle: string): Promise<string[]> {
  const columns = await sql<{ table_name: string; column_name: string }>`
    SELECT table_name, column_name FROM information_schema.columns
    WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'jsonb', 'json')
    ORDER BY table_name, column_name`.execute(testDb.db)
  const found: string[] = []
  for (const { table_name, column_name } of columns.rows) {
    const { rows } = await sql<{ hits: string }>`
      SELECT count(*) AS hits FROM ${sql.table(table_name)}
      WHERE ${sql.ref(column_name)}::text ILIKE ${`%${needle}%`}`.execute(testDb.db)
    if (Number(rows[0]!.hits) > 0) found.push(`${table_name}.${column_name}`)
  }
  return found
}

const countRows = async (table: 'sales_order' | 'payment' | 'stock_movement' | 'order_line' | 'order_return') =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(testDb.db)).rows[0]!.n)

describe('customerErase', () => {
  it('leaves no personal data in any table, and keeps orders, payments and the ledger', async () => {
    const person = await historyOf('erase')
    const needles = [person.email, person.contactEmail, person.name, person.phone]
    for (const needle of needles) expect(await placesHolding(needle)).not.toEqual([])
    expect(await placesHolding(person.email)).toEqual(['customer.email'])
    expect(await placesHolding(person.contactEmail)).toEqual(['notification.recipient', 'sales_order.contact_email'])
    expect(await placesHolding(person.phone)).toEqual(['customer.phone'])
    const kept = {
      orders: await countRows('sales_order'),
      lines: await countRows('order_line'),
      payments: await countRows('payment'),
      ledger: await countRows('stock_movement'),
      returns: await countRows('order_return'),
    }

    const erased = await api.gql<{ customerErase: { customer: Record<string, unknown>; userErrors: unknown[] } }>(
      ERASE,
      { input: {} },
      { token: person.token },
    )

    expect(erased.data!.customerErase).toEqual({
      customer: {
        id: person.customerGid,
        email: `erased-${person.customerId}@erased.invalid`,
        name: '',
        phone: null,
        erasedAt: NOW.toISOString(),
      },
      userErrors: [],
    })
    for (const needle of needles)
      expect({ needle, places: await placesHolding(needle) }).toEqual({ needle, places: [] })
    expect({
      orders: await countRows('sales_order'),
      lines: await countRows('order_line'),
      payments: await countRows('payment'),
      ledger: await countRows('stock_movement'),
      returns: await countRows('order_return'),
    }).toEqual(kept)
    const orders = await testDb.db
      .selectFrom('sales_order')
      .select('id')
      .where('customer_id', '=', person.customerId)
      .execute()
    expect(orders.map((order) => order.id).sort()).toEqual(
      [person.readyOrderId, person.placedOrderId, person.posOrderId].sort(),
    )
    const events = await testDb.db
      .selectFrom('outbox_event')
      .select(['type', 'payload'])
      .where('aggregate_type', '=', 'customer')
      .where('aggregate_id', '=', person.customerId)
      .orderBy('id')
      .execute()
    expect(events).toEqual([
      { type: 'customer.created', payload: { customerId: person.customerId } },
      { type: 'customer.erased', payload: { customerId: person.customerId } },
    ])
  })

  it('clears whom their settled e-gift cards went to and what they wrote, and keeps what the shop still owes', async () => {
    const person = await historyOf('gifts')
    const db = testDb.db
    const purchase = (tag: string, status: 'PENDING_PAYMENT' | 'ISSUED' | 'FAILED', giftCardId: string | null) =>
      db
        .insertInto('gift_card_purchase')
        .values({
          amount_minor: 5000,
          currency_code: 'EUR',
          recipient_email: `friend.${tag}@example.net`,
          message: `Joyeux anniversaire ${tag}`,
          customer_id: person.customerId,
          status,
          idempotency_key: `erasure-${tag}-${person.customerId}`,
          gift_card_id: giftCardId,
          issued_at: giftCardId ? NOW : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    const card = (tag: string) =>
      db
        .insertInto('gift_card')
        .values({
          code_lookup: `lookup-${tag}-${person.customerId}`,
          code_hash: `hash-${tag}-${person.customerId}`,
          last_characters: 'WXYZ',
          currency_code: 'EUR',
          initial_amount_minor: 5000,
          balance_minor: 5000,
          expires_at: null,
          customer_id: null,
          issued_by_type: 'SYSTEM',
          issued_by_id: null,
          issued_channel: 'WEB',
          issued_store_id: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    const message = (purchaseId: string, tag: string, status: 'PENDING' | 'SENT') =>
      db
        .insertInto('notification')
        .values({
          gift_card_purchase_id: purchaseId,
          link_secret: status === 'PENDING' ? 'CODE-STILL-TO-SEND' : null,
          kind: 'GIFT_CARD_ISSUED',
          channel: 'EMAIL',
          recipient: `friend.${tag}@example.net`,
          status,
          next_attempt_at: NOW,
          sent_at: status === 'SENT' ? NOW : null,
        })
        .execute()
    const failed = await purchase('failed', 'FAILED', null)
    const sent = await purchase('sent', 'ISSUED', (await card('sent')).id)
    await message(sent.id, 'sent', 'SENT')
    const unpaid = await purchase('unpaid', 'PENDING_PAYMENT', null)
    const unsent = await purchase('unsent', 'ISSUED', (await card('unsent')).id)
    await message(unsent.id, 'unsent', 'PENDING')

    expect(await eraseCustomer(db, person.customerId, NOW)).toBe('ERASED')

    for (const tag of ['failed', 'sent']) {
      expect({ tag, places: await placesHolding(`friend.${tag}@`) }).toEqual({ tag, places: [] })
      expect({ tag, places: await placesHolding(`anniversaire ${tag}`) }).toEqual({ tag, places: [] })
    }
    const kept = await db
      .selectFrom('gift_card_purchase')
      .select(['id', 'recipient_email', 'message'])
      .where('id', 'in', [unpaid.id, unsent.id, failed.id])
      .orderBy('recipient_email')
      .execute()
    expect(kept.filter((row) => row.id !== failed.id)).toEqual([
      { id: unpaid.id, recipient_email: 'friend.unpaid@example.net', message: 'Joyeux anniversaire unpaid' },
      { id: unsent.id, recipient_email: 'friend.unsent@example.net', message: 'Joyeux anniversaire unsent' },
    ])
    const unsentMessage = await db
      .selectFrom('notification')
      .select(['recipient', 'status'])
      .where('gift_card_purchase_id', '=', unsent.id)
      .executeTakeFirstOrThrow()
    expect(unsentMessage).toEqual({ recipient: 'friend.unsent@example.net', status: 'PENDING' })
  })

  it('ends sign-in, cart tokens and messages: the old password, the kiosk token and a later "ready" email all lead nowhere', async () => {
    const person = await historyOf('lockout')
    const tokensBefore = await cartTokensOf(person.customerId)
    expect(tokensBefore).toBeGreaterThan(0)

    const meBefore = await api.gql<{ me: { id: string } | null }>('{ me { id } }', {}, { token: person.token })
    expect(meBefore.data?.me?.id).toBe(person.customerGid)

    const erased = await api.gql(ERASE, { input: { customerId: person.customerGid } }, { token: admin })
    expect(erased.errors).toBeUndefined()

    // The access token the customer still holds is refused at once: erasure signs them out everywhere.
    const meAfter = await api.gql('{ me { id } }', {}, { token: person.token })
    expect(meAfter.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')

    const signIn = await api.gql<{ customerSignIn: { accessToken: string | null; userErrors: { code: string }[] } }>(
      SIGN_IN,
      { input: { email: person.email, password: person.password } },
    )
    expect(signIn.data!.customerSignIn).toEqual({ accessToken: null, userErrors: [{ code: 'INVALID_CREDENTIALS' }] })
    const stored = await testDb.db
      .selectFrom('customer')
      .select('password_hash')
      .where('id', '=', person.customerId)
      .executeTakeFirstOrThrow()
    expect(stored.password_hash).not.toMatch(/^scrypt\$/)
    expect(await cartTokensOf(person.customerId)).toBe(0)
    const orderCart = await testDb.db
      .selectFrom('sales_order')
      .select('cart_id')
      .where('id', '=', person.placedOrderId)
      .executeTakeFirstOrThrow()
    const withOldToken = await api.gql<{ cart: unknown }>(
      READ_CART,
      { id: globalId('Cart', orderCart.cart_id!) },
      { headers: cartHeaders(person.orderCartToken) },
    )
    expect(withOldToken.data?.cart ?? null).toBeNull()

    // The order placed before the erasure becomes ready after it: nobody is written to.
    const run = staffMutation(api, manager)
    const placedGid = globalId('Order', person.placedOrderId)
    await run('orderStartPreparing', { orderId: placedGid })
    const ready = await run('orderMarkReady', { orderId: placedGid })
    expect(ready.data!.orderMarkReady!.userErrors).toEqual([])
    const notifications = await testDb.db
      .selectFrom('notification')
      .select(['order_id', 'status', 'recipient'])
      .where('order_id', 'in', [person.readyOrderId, person.placedOrderId])
      .execute()
    expect(notifications).toEqual([
      { order_id: person.readyOrderId, status: 'SKIPPED', recipient: `erased-${person.customerId}@erased.invalid` },
    ])
  })

  it('is harmless a second time, even when several erasures race: one change, one event', async () => {
    const person = await historyOf('twice')
    const results = await Promise.all(Array.from({ length: 6 }, () => eraseCustomer(testDb.db, person.customerId, NOW)))
    expect(results.filter((outcome) => outcome === 'ERASED')).toHaveLength(1)
    expect(results.filter((outcome) => outcome === 'ALREADY_ERASED')).toHaveLength(5)
    const again = await api.gql<{ customerErase: { customer: { erasedAt: string }; userErrors: unknown[] } }>(
      ERASE,
      { input: { customerId: person.customerGid } },
      { token: admin },
    )
    expect(again.data!.customerErase).toMatchObject({ customer: { erasedAt: NOW.toISOString() }, userErrors: [] })
    const events = await testDb.db
      .selectFrom('outbox_event')
      .select('id')
      .where('type', '=', 'customer.erased')
      .where('aggregate_id', '=', person.customerId)
      .execute()
    expect(events).toHaveLength(1)
  })

  it('is refused to anyone but the customer and an admin, and changes nothing then', async () => {
    const person = await historyOf('refused')
    const alice = await api.gql<{ customerSignIn: { accessToken: string } }>(SIGN_IN, {
      input: { email: 'alice@comptoir.dev', password: 'comptoir-alice' },
    })
    const input = { customerId: person.customerGid }
    const refusals = await Promise.all([
      api.gql(ERASE, { input }),
      api.gql(ERASE, { input }, { token: manager }),
      api.gql(ERASE, { input }, { token: alice.data!.customerSignIn.accessToken }),
      api.gql(ERASE, { input: {} }, { token: admin }),
      api.gql(ERASE, { input: { customerId: customerGid('00000000-0000-4000-8000-000000000000') } }, { token: admin }),
    ])
    expect(refusals.map((result) => result.errors?.[0]?.extensions?.code)).toEqual([
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'FORBIDDEN',
      'BAD_USER_INPUT',
      'NOT_FOUND',
    ])
    const row = await testDb.db
      .selectFrom('customer')
      .select(['email', 'erased_at'])
      .where('id', '=', person.customerId)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ email: person.email, erased_at: null })
  })
})

async function cartTokensOf(customerId: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    SELECT count(*) AS n FROM cart_token WHERE cart_id IN (
      SELECT id FROM cart WHERE customer_id = ${customerId}
      UNION SELECT cart_id FROM sales_order WHERE customer_id = ${customerId} AND cart_id IS NOT NULL)`.execute(
    testDb.db,
  )
  return Number(rows[0]!.n)
}
