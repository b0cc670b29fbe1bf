import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { placeOrder, type StockedStore, staffMutation, stockedStore } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
let testDb: TestDb
let api: TestApp
let manager: string
let store: StockedStore

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  store = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 10 })
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
})
afterAll(() => testDb.destroy())

describe('the single customer view', () => {
  it('finds a customer by email or phone for staff, with one timeline across channels', async () => {
    const signUp = await api.gql<{ customerSignUp: { accessToken: string; customer: { id: string } } }>(
      'mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) { accessToken customer { id } } }',
      {
        input: {
          email: 'zoe@example.com',
          password: 'a long and varied secret',
          name: 'Zoé',
          phone: '+33 6 12 34 56 78',
        },
      },
    )
    const token = signUp.data!.customerSignUp.accessToken
    const { result } = await placeOrder(api, {
      storeGid: store.storeGid,
      lines: [{ variantId: store.variantGid, quantity: 1 }],
      token,
    })
    const run = staffMutation(api, manager)
    await run('orderCancel', { orderId: result.order!.id, reason: 'customer called' })

    const LOOKUP = `query($q: String!) { customerLookup(query: $q) { id name timeline { kind type channel order { id } } } }`
    const byEmail = await api.gql<{
      customerLookup: { id: string; timeline: { kind: string; type: string; channel: string | null }[] }[]
    }>(LOOKUP, { q: 'ZOE@example.com' }, { token: manager })
    const byPhone = await api.gql<{ customerLookup: { id: string }[] }>(
      LOOKUP,
      { q: '06 12 34 56 78'.replace('06', '+33 6') },
      { token: manager },
    )
    expect(byEmail.data!.customerLookup.map((c) => c.id)).toEqual([signUp.data!.customerSignUp.customer.id])
    expect(byPhone.data!.customerLookup.map((c) => c.id)).toEqual([signUp.data!.customerSignUp.customer.id])
    const timeline = byEmail.data!.customerLookup[0]!.timeline
    expect(timeline.map((entry) => `${entry.kind}:${entry.type}`)).toEqual(
      expect.arrayContaining([
        'CART:CREATED',
        'CART:LINES_ADDED',
        'CART:CHECKED_OUT',
        'ORDER:PLACED',
        'ORDER:CANCELLED',
      ]),
    )
    expect(timeline.find((entry) => entry.type === 'CREATED')?.channel).toBe('APP')

    const anonymous = await api.gql(LOOKUP, { q: 'zoe@example.com' })
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    const tooShort = await api.gql(LOOKUP, { q: 'z' }, { token: manager })
    expect(tooShort.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
  })
})
