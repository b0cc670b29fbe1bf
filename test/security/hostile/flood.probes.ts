import type { HostileHttp } from './http.js'
import type { Probe } from './probe.js'

/**
 * Requests one client sends back to back before concluding there is no budget: ten a second for a
 * minute, far beyond any storefront, till or pickup screen.
 */
const FLOOD_MAX = 600
const FLOOD_CONCURRENCY = 25

interface FloodOutcome {
  sent: number
  /** The first 429, if any: whether it said when to come back. */
  limited: { retryAfter: string | null } | null
  notFound: boolean
}

/** Sends `request` from one client address until the server answers 429 (or FLOOD_MAX is reached). */
async function flood(send: () => Promise<Response>): Promise<FloodOutcome> {
  const outcome: FloodOutcome = { sent: 0, limited: null, notFound: false }
  while (outcome.sent < FLOOD_MAX && !outcome.limited && !outcome.notFound) {
    const batch = Math.min(FLOOD_CONCURRENCY, FLOOD_MAX - outcome.sent)
    outcome.sent += batch
    const responses = await Promise.all(Array.from({ length: batch }, () => send()))
    for (const response of responses) {
      await response.arrayBuffer()
      if (response.status === 404) outcome.notFound = true
      if (response.status === 429 && !outcome.limited)
        outcome.limited = { retryAfter: response.headers.get('retry-after') }
    }
  }
  return outcome
}

function budgetFindings(what: string, outcome: FloodOutcome): string[] {
  if (!outcome.limited) return [`${outcome.sent} ${what} from one client: none answered 429`]
  return outcome.limited.retryAfter ? [] : [`${what}: a 429 without Retry-After`]
}

function floodGraphQL(http: HostileHttp): Promise<FloodOutcome> {
  const headers = http.headersOf({ address: http.newAddress() }, { 'content-type': 'application/json' })
  const body = JSON.stringify({ query: '{ __typename }' })
  return flood(() => fetch(http.url('/graphql'), { method: 'POST', headers, body }))
}

function floodWebhook(http: HostileHttp): Promise<FloodOutcome> {
  const headers = http.headersOf(
    { address: http.newAddress() },
    {
      'content-type': 'application/json',
      'stripe-signature': 't=1,v1=00',
    },
  )
  return flood(() => fetch(http.url('/webhooks/stripe'), { method: 'POST', headers, body: '{}' }))
}

export const requestBudget: Probe = {
  name: 'a per-client request budget on /graphql and the webhook',
  item: 2,
  async run({ http, note }) {
    if (!http.forwardedFor)
      note('the flood comes from this client’s own address: later requests from it may be refused')
    const graphql = budgetFindings('GraphQL requests', await floodGraphQL(http))
    const webhookFlood = await floodWebhook(http)
    if (webhookFlood.notFound) {
      note('/webhooks/stripe is not mounted (no Stripe configured): its budget was not tried')
      return graphql
    }
    return [...graphql, ...budgetFindings('webhook POSTs', webhookFlood)]
  },
}
