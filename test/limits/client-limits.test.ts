import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpMetrics, type HttpMetrics } from '../../src/http/metrics.js'
import { startLiveServer } from '../helpers/http-server.js'
import { createTestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

/**
 * Over real sockets from 127.0.0.1, named as the trusted proxy: each request's client is the
 * address that proxy appends to X-Forwarded-For, as a load balancer in front of Comptoir would.
 */
const BUDGET = 30
let testDb: TestDb
let metrics: HttpMetrics
let live: Awaited<ReturnType<typeof startLiveServer>>

beforeAll(async () => {
  testDb = await createTestDb()
  metrics = createHttpMetrics({ processMetrics: false })
  const api = createTestApp(testDb, {
    env: { TRUST_PROXY: '127.0.0.1', RATE_LIMIT_REQUESTS_PER_MINUTE: String(BUDGET) },
    metrics,
  })
  live = await startLiveServer(api)
})
afterAll(async () => {
  await live.close()
  await testDb.destroy()
})

const SIGN_IN = `mutation($input: StaffSignInInput!) { staffSignIn(input: $input) { accessToken userErrors { code } } }`
const MANAGER = 'manager.par-rivoli@comptoir.dev'

async function signIn(forwardedFor: string, password: string) {
  const result = await live.gql<{ staffSignIn: { accessToken: string | null; userErrors: { code: string }[] } }>(
    SIGN_IN,
    { input: { email: MANAGER, password } },
    { 'x-forwarded-for': forwardedFor },
  )
  return result.data?.staffSignIn
}

function post(path: string, forwardedFor: string) {
  return fetch(new URL(path, live.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ query: '{ __typename }' }),
  })
}

async function refusals(limit: string): Promise<number> {
  const metric = await metrics.limiterRefusals.get()
  return metric.values.find((value) => value.labels.limit === limit)?.value ?? 0
}

describe("a stranger's wrong passwords", () => {
  it('lock out the stranger, not the manager signing in from the store', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await signIn('203.0.113.66', 'guessing'))?.userErrors).toEqual([{ code: 'INVALID_CREDENTIALS' }])
    }
    expect((await signIn('203.0.113.66', 'comptoir-staff'))?.userErrors).toEqual([{ code: 'TOO_MANY_ATTEMPTS' }])
    // Writing the manager's address on the left of X-Forwarded-For changes nothing: the proxy's entry counts.
    const forged = await signIn('198.51.100.20, 203.0.113.66', 'comptoir-staff')
    expect(forged?.userErrors).toEqual([{ code: 'TOO_MANY_ATTEMPTS' }])

    const manager = await signIn('198.51.100.20', 'comptoir-staff')
    expect(manager?.userErrors).toEqual([])
    expect(manager?.accessToken).toEqual(expect.any(String))
    expect(await refusals('signin_pair')).toBe(2)
  })
})

describe('the per-client request budget', () => {
  it('answers 429 with Retry-After and a RATE_LIMITED error on /graphql past the budget, for that client only', async () => {
    for (let i = 0; i < BUDGET; i++) expect((await post('/graphql', '192.0.2.10')).status).toBe(200)
    const refused = await post('/graphql', '192.0.2.10')
    expect(refused.status).toBe(429)
    const retryAfter = Number(refused.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    const body = (await refused.json()) as { errors: { extensions: { code: string } }[] }
    expect(body.errors[0]?.extensions.code).toBe('RATE_LIMITED')
    expect((await post('/graphql', '192.0.2.11')).status).toBe(200)
    expect(await refusals('request_budget_graphql')).toBe(1)
  })

  it('guards the Stripe webhook the same way, before its body is looked at', async () => {
    for (let i = 0; i < BUDGET; i++) expect((await post('/webhooks/stripe', '192.0.2.12')).status).not.toBe(429)
    const refused = await post('/webhooks/stripe', '192.0.2.12')
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(await refusals('request_budget_webhook')).toBe(1)
  })
})
