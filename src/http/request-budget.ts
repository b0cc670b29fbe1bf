import type { MiddlewareHandler } from 'hono'
import { RateLimiterRes } from 'rate-limiter-flexible'
import { type CounterStore, createCounter } from '../limits/counter-store.js'

export interface RequestBudgetOptions {
  /** Names the budget's counters and its refusals in /metrics; one budget per route. */
  name: string
  requestsPerMinute: number
  /** Memory or Redis: this runs on every request, so never the database. */
  store: Exclude<CounterStore, { kind: 'database' }>
  /** The client address of the request (see client-address.ts). */
  clientOf: (context: Parameters<MiddlewareHandler>[0]) => string
  /** The answer's body, in the shape the route's clients read. */
  refusalBody: (retryAfterSeconds: number) => string
  onRefused: (name: string) => void
}

/**
 * A per-client request budget: past it, 429 with Retry-After until the minute's window ends.
 * One window per address per minute; Redis shares it between instances when there is one.
 */
export function requestBudget(options: RequestBudgetOptions): MiddlewareHandler {
  const limiter = createCounter(options.store, {
    name: options.name,
    points: options.requestsPerMinute,
    durationSeconds: 60,
  })
  return async (c, next) => {
    try {
      await limiter.consume(options.clientOf(c))
    } catch (error) {
      // Any other rejection is the store failing (Redis down): let the request through rather
      // than refuse every client at once.
      if (!(error instanceof RateLimiterRes)) return next()
      options.onRefused(options.name)
      const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000))
      return c.body(options.refusalBody(retryAfter), 429, {
        'content-type': 'application/json',
        'retry-after': String(retryAfter),
      })
    }
    return next()
  }
}

/** /graphql answers in GraphQL's error shape, so clients read it as they read any other error. */
export function graphqlRefusalBody(retryAfterSeconds: number): string {
  return JSON.stringify({
    errors: [
      {
        message: `Too many requests from this address; retry in ${retryAfterSeconds} s.`,
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
      },
    ],
  })
}

export function plainRefusalBody(retryAfterSeconds: number): string {
  return JSON.stringify({ error: 'rate limited', retryAfterSeconds })
}
