import type { MiddlewareHandler } from 'hono'
import { property } from './scenarios.js'

/** A request carrying this header has its checkout answer counted by the tally. */
export const TALLY_HEADER = 'x-bench-tally'

/** What the server answered the checkouts it finished, by outcome. */
export interface CheckoutOutcomes {
  placed: number
  /** Answers without an order, by their first userError code. */
  refused: Map<string, number>
  /** Anything else: a GraphQL error, a body that is not a checkout payload. */
  other: number
}

export interface CheckoutTally {
  /** For the bench's root app, in front of /graphql. */
  middleware: MiddlewareHandler
  reset(): void
  read(): CheckoutOutcomes
}

/**
 * Counts, on the server, how each tallied checkout was answered. autocannon sees statuses only,
 * and a refused checkout (a code over its limit) is a 200 that leaves no row behind, so the
 * refusals can only be counted where the answers are made. Counted on the server, the tail
 * (requests it finished after autocannon stopped listening) is included, like the orders it made.
 * Untallied requests pass straight through: the other scenarios pay one header lookup.
 */
export function createCheckoutTally(): CheckoutTally {
  let outcomes = empty()
  return {
    middleware: async (c, next) => {
      if (!c.req.header(TALLY_HEADER)) return next()
      await next()
      let body: unknown = null
      try {
        body = await c.res.clone().json()
      } catch {
        // Not JSON: counted below as "other".
      }
      record(outcomes, body)
    },
    reset() {
      outcomes = empty()
    },
    read() {
      return { placed: outcomes.placed, refused: new Map(outcomes.refused), other: outcomes.other }
    },
  }
}

function empty(): CheckoutOutcomes {
  return { placed: 0, refused: new Map(), other: 0 }
}

function record(outcomes: CheckoutOutcomes, body: unknown): void {
  const payload = property(property(body, 'data'), 'checkoutPlaceOrder')
  const errors = property(payload, 'userErrors')
  const order = property(payload, 'order')
  if (!Array.isArray(errors) || property(body, 'errors') !== undefined) outcomes.other++
  else if (errors.length > 0) {
    const code = String(property(errors[0], 'code'))
    outcomes.refused.set(code, (outcomes.refused.get(code) ?? 0) + 1)
  } else if (order) outcomes.placed++
  else outcomes.other++
}
