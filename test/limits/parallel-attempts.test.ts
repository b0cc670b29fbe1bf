import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { placeOrder, stockedStore } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

/**
 * Forty guesses fired at once must not all be checked: the limit is five, and it holds only if
 * each attempt is counted before its secret is checked. The secret checks themselves are
 * counted through the modules that perform them.
 */
const checks = vi.hoisted(() => ({ passwords: 0, pickupCodes: 0, handoffCodes: 0 }))

vi.mock('../../src/auth/password.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/auth/password.js')>()
  return {
    ...original,
    verifyPassword: (...args: Parameters<typeof original.verifyPassword>) => {
      checks.passwords++
      return original.verifyPassword(...args)
    },
  }
})
vi.mock('../../src/auth/pickup-secrets.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/auth/pickup-secrets.js')>()
  return {
    ...original,
    createPickupSecrets: (secret: string) => {
      const secrets = original.createPickupSecrets(secret)
      return {
        ...secrets,
        codeMatches: (...args: Parameters<typeof secrets.codeMatches>) => {
          checks.pickupCodes++
          return secrets.codeMatches(...args)
        },
      }
    },
  }
})
vi.mock('../../src/modules/carts/cart.repository.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/modules/carts/cart.repository.js')>()
  return {
    ...original,
    claimHandoff: (...args: Parameters<typeof original.claimHandoff>) => {
      checks.handoffCodes++
      return original.claimHandoff(...args)
    },
  }
})

const PARALLEL = 40
const LIMIT = 5

let testDb: TestDb
let api: TestApp

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
})
afterAll(() => testDb.destroy())

type Payload = { userErrors: { code: string; message: string }[] }

async function fireAtOnce(mutation: string, name: string, input: Record<string, unknown>, token?: string) {
  const results = await Promise.all(
    Array.from({ length: PARALLEL }, () => api.gql<Record<string, Payload>>(mutation, { input }, { token })),
  )
  return results.map((result) => {
    const payload = result.data?.[name]
    if (!payload) throw new Error(`${name} failed: ${JSON.stringify(result)}`)
    return payload.userErrors
  })
}

function tally(answers: Payload['userErrors'][]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const errors of answers) {
    const code = errors.map((error) => error.code).join(',') || 'OK'
    counts[code] = (counts[code] ?? 0) + 1
  }
  return counts
}

describe('forty parallel wrong guesses', () => {
  it('check at most five staff passwords; the rest are refused with a date to retry', async () => {
    checks.passwords = 0
    const answers = await fireAtOnce(
      'mutation($input: StaffSignInInput!) { staffSignIn(input: $input) { userErrors { code message } } }',
      'staffSignIn',
      { email: 'manager.par-oberkampf@comptoir.dev', password: 'not the password' },
    )
    const counts = tally(answers)
    expect(counts.INVALID_CREDENTIALS ?? 0).toBeLessThanOrEqual(LIMIT)
    expect((counts.INVALID_CREDENTIALS ?? 0) + (counts.TOO_MANY_ATTEMPTS ?? 0)).toBe(PARALLEL)
    expect(checks.passwords).toBeGreaterThan(0)
    expect(checks.passwords).toBeLessThanOrEqual(LIMIT)
    const refusal = answers.flat().find((error) => error.code === 'TOO_MANY_ATTEMPTS')
    const retryAt = new Date(/after (\S+)\.$/.exec(refusal?.message ?? '')?.[1] ?? '')
    expect(retryAt.getTime()).toBeGreaterThan(Date.now())
  })

  it('check at most five customer passwords', async () => {
    checks.passwords = 0
    const answers = await fireAtOnce(
      'mutation($input: CustomerSignInInput!) { customerSignIn(input: $input) { userErrors { code message } } }',
      'customerSignIn',
      { email: 'alice@comptoir.dev', password: 'not the password' },
    )
    const counts = tally(answers)
    expect(counts.INVALID_CREDENTIALS ?? 0).toBeLessThanOrEqual(LIMIT)
    expect((counts.INVALID_CREDENTIALS ?? 0) + (counts.TOO_MANY_ATTEMPTS ?? 0)).toBe(PARALLEL)
    expect(checks.passwords).toBeGreaterThan(0)
    expect(checks.passwords).toBeLessThanOrEqual(LIMIT)
  })

  it('check at most five pickup codes of one order, and the order is not handed over', async () => {
    const store = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 10, slotCapacity: 100 })
    const manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
    const { result } = await placeOrder(api, {
      storeGid: store.storeGid,
      lines: [{ variantId: store.variantGid, quantity: 1 }],
    })
    const orderId = result.order!.id
    for (const step of ['orderStartPreparing', 'orderMarkReady']) {
      const input = `${step[0]!.toUpperCase()}${step.slice(1)}Input`
      await api.gql(
        `mutation($input: ${input}!) { ${step}(input: $input) { userErrors { code } } }`,
        { input: { orderId } },
        { token: manager },
      )
    }
    const wrongCode = result.pickupCode === '000000' ? '000001' : '000000'
    checks.pickupCodes = 0
    const answers = await fireAtOnce(
      'mutation($input: OrderCollectInput!) { orderCollect(input: $input) { userErrors { code message } } }',
      'orderCollect',
      { orderId, pickupCode: wrongCode },
      manager,
    )
    const counts = tally(answers)
    expect(counts.INVALID_PICKUP_CODE ?? 0).toBeLessThanOrEqual(LIMIT)
    expect((counts.INVALID_PICKUP_CODE ?? 0) + (counts.PICKUP_CODE_LOCKED ?? 0)).toBe(PARALLEL)
    expect(checks.pickupCodes).toBeGreaterThan(0)
    expect(checks.pickupCodes).toBeLessThanOrEqual(LIMIT)
    const row = await testDb.db
      .selectFrom('sales_order')
      .select(['status', 'pickup_code_failures'])
      .where('id', '=', Buffer.from(orderId, 'base64').toString().split(':')[1]!)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ status: 'READY_FOR_PICKUP', pickup_code_failures: LIMIT })
  })

  it('look up at most five cart hand-off codes from one client', async () => {
    checks.handoffCodes = 0
    const answers = await fireAtOnce(
      'mutation($input: CartHandoffClaimInput!) { cartHandoffClaim(input: $input) { userErrors { code message } } }',
      'cartHandoffClaim',
      { code: 'ZZZZZZZZ', channel: 'WEB' },
    )
    const counts = tally(answers)
    expect(counts.INVALID_HANDOFF_CODE ?? 0).toBeLessThanOrEqual(LIMIT)
    expect((counts.INVALID_HANDOFF_CODE ?? 0) + (counts.TOO_MANY_ATTEMPTS ?? 0)).toBe(PARALLEL)
    expect(checks.handoffCodes).toBeGreaterThan(0)
    expect(checks.handoffCodes).toBeLessThanOrEqual(LIMIT)
  })
})
