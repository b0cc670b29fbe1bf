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
  const outcome = checkoutOutcomeOf(body)
  if (outcome.kind === 'placed') outcomes.placed++
  else if (outcome.kind === 'other') outcomes.other++
  else outcomes.refused.set(outcome.code, (outcomes.refused.get(outcome.code) ?? 0) + 1)
}

export type CheckoutOutcome = { kind: 'placed' } | { kind: 'refused'; code: string } | { kind: 'other' }

/** A checkoutPlaceOrder answer: an order and no userErrors, refused by its first userError, or neither. */
export function checkoutOutcomeOf(body: unknown): CheckoutOutcome {
  const payload = property(property(body, 'data'), 'checkoutPlaceOrder')
  const errors = property(payload, 'userErrors')
  if (!Array.isArray(errors) || property(body, 'errors') !== undefined) return { kind: 'other' }
  if (errors.length > 0) return { kind: 'refused', code: String(property(errors[0], 'code')) }
  return property(payload, 'order') ? { kind: 'placed' } : { kind: 'other' }
}
