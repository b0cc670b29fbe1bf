import { randomUUID } from 'node:crypto'
import { Hono } from 'hono'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { TooManyAttemptsError } from '../../src/auth/sign-in.errors.js'
import { graphqlRefusalBody, requestBudget } from '../../src/http/request-budget.js'
import { createAttemptLimits } from '../../src/limits/attempt-limits.js'

/** With REDIS_URL, every instance counts in Redis: the same guarantees must hold there. */
const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true })
afterAll(() => redis.disconnect())

describe('counters in Redis', () => {
  it('let five of forty parallel sign-in attempts through, and refuse the rest', async () => {
    await redis.connect()
    // Two instances sharing one Redis, as behind a load balancer.
    const instances = [createAttemptLimits({ kind: 'redis', redis }), createAttemptLimits({ kind: 'redis', redis })]
    const email = `${randomUUID()}@shop`
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        instances[i % 2]!.forClient('198.51.100.9')
          .signIn('staff', email)
          .then(
            () => 'counted',
            (error: unknown) => (error instanceof TooManyAttemptsError ? 'refused' : error),
          ),
      ),
    )
    expect(outcomes.filter((outcome) => outcome === 'counted')).toHaveLength(5)
    expect(outcomes.filter((outcome) => outcome === 'refused')).toHaveLength(35)
  })

  it('share the request budget between instances', async () => {
    const client = randomUUID()
    const apps = [0, 1].map(() => {
      const app = new Hono()
      app.use(
        requestBudget({
          name: `test_budget_${client}`,
          requestsPerMinute: 3,
          store: { kind: 'redis', redis },
          clientOf: () => client,
          refusalBody: graphqlRefusalBody,
          onRefused: () => {},
        }),
      )
      app.post('/graphql', (c) => c.json({ data: {} }))
      return app
    })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await apps[i % 2]!.request('/graphql', { method: 'POST' })).status)
    expect(statuses).toEqual([200, 200, 200, 429])
  })
})
