import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type Stripe from 'stripe'

/**
 * A loopback stand-in for api.stripe.com, driven by the real SDK (its host/port/protocol options).
 * It implements only the endpoints Comptoir calls, with Stripe's shapes, form-encoded params,
 * idempotency keys and error bodies. Point a provider at it with
 * `apiBase: { host, port, protocol }` and `maxNetworkRetries: 0`.
 */
export type IntentOutcome = 'requires_payment_method' | 'requires_action' | 'requires_capture' | 'declined'

export interface FakeCharge {
  id: string
  object: 'charge'
  amount: number
  amount_captured: number
  amount_refunded: number
  captured: boolean
  refunded: boolean
  payment_intent: string
}

export interface FakeIntent {
  id: string
  object: 'payment_intent'
  status: string
  amount: number
  amount_capturable: number
  amount_received: number
  currency: string
  capture_method: string
  allowed_payment_method_types: string[] | null
  payment_method_types: string[]
  metadata: Record<string, string>
  client_secret: string
  latest_charge: string | null
  last_payment_error: { type: string; code: string; decline_code: string; message: string } | null
  canceled_at: number | null
  created: number
  livemode: false
}

export interface FakeRefund {
  id: string
  object: 'refund'
  amount: number
  charge: string
  payment_intent: string
  currency: string
  status: 'succeeded'
  created: number
}

export interface FakeRequest {
  method: string
  path: string
  idempotencyKey: string | null
  params: Params
}

export interface FakeStripe {
  host: string
  port: number
  protocol: 'http'
  intents: Map<string, FakeIntent>
  charges: Map<string, FakeCharge>
  refunds: Map<string, FakeRefund>
  /** Every request received, failed ones included, in arrival order. */
  requests: FakeRequest[]
  /** The next `count` requests fail: with `status` (e.g. 503) as an api_error, or by dropping the connection. */
  failNext(count: number, status?: number): void
  /** The next `count` requests get no answer at all (until the client times out). */
  stallNext(count: number): void
  setNextIntentOutcome(outcome: IntentOutcome): void
  setDefaultIntentOutcome(outcome: IntentOutcome): void
  /** What the shopper's browser would do: the intent becomes authorised (requires_capture). */
  confirm(intentId: string): FakeIntent
  close(): Promise<void>
}

type Params = { [key: string]: unknown }
interface Reply {
  status: number
  body: object
}
type Handler = (params: Params, id: string) => Reply

export async function startFakeStripe(options: { defaultOutcome?: IntentOutcome } = {}): Promise<FakeStripe> {
  const intents = new Map<string, FakeIntent>()
  const charges = new Map<string, FakeCharge>()
  const refunds = new Map<string, FakeRefund>()
  const requests: FakeRequest[] = []
  const idempotent = new Map<string, { route: string; fingerprint: string; reply: Reply }>()
  const failures: (number | 'drop' | 'stall')[] = []
  let defaultOutcome: IntentOutcome = options.defaultOutcome ?? 'requires_capture'
  let nextOutcome: IntentOutcome | null = null

  function authorise(intent: FakeIntent) {
    const charge: FakeCharge = {
      id: newId('ch'),
      object: 'charge',
      amount: intent.amount,
      amount_captured: 0,
      amount_refunded: 0,
      captured: false,
      refunded: false,
      payment_intent: intent.id,
    }
    charges.set(charge.id, charge)
    Object.assign(intent, {
      status: 'requires_capture',
      amount_capturable: intent.amount,
      latest_charge: charge.id,
      last_payment_error: null,
    })
  }

  /** The intent as the API returns it: a copy, with `latest_charge` expanded when asked. */
  function render(intent: FakeIntent, params: Params): object {
    const expand = Array.isArray(params.expand) ? params.expand : []
    if (!expand.includes('latest_charge') || !intent.latest_charge) return { ...intent }
    return { ...intent, latest_charge: { ...charges.get(intent.latest_charge) } }
  }

  function findIntent(id: string): FakeIntent | Reply {
    return (
      intents.get(id) ??
      stripeError(404, 'invalid_request_error', 'resource_missing', `No such payment_intent: '${id}'`)
    )
  }

  const createIntent: Handler = (params) => {
    const amount = Number(params.amount)
    if (!Number.isInteger(amount) || amount < 1 || typeof params.currency !== 'string') {
      return stripeError(400, 'invalid_request_error', 'parameter_missing', 'amount and currency are required.')
    }
    const id = newId('pi')
    const allowed = params.allowed_payment_method_types ?? params.payment_method_types
    const types = Array.isArray(allowed) ? allowed.map(String) : null
    const intent: FakeIntent = {
      id,
      object: 'payment_intent',
      status: 'requires_payment_method',
      amount,
      amount_capturable: 0,
      amount_received: 0,
      currency: params.currency,
      capture_method: String(params.capture_method ?? 'automatic_async'),
      allowed_payment_method_types: types,
      payment_method_types: types ?? ['card'],
      metadata: { ...(params.metadata as Record<string, string> | undefined) },
      client_secret: `${id}_secret_${randomBytes(12).toString('hex')}`,
      latest_charge: null,
      last_payment_error: null,
      canceled_at: null,
      created: nowSeconds(),
      livemode: false,
    }
    intents.set(id, intent)
    const outcome = nextOutcome ?? defaultOutcome
    nextOutcome = null
    if (outcome === 'requires_capture') authorise(intent)
    if (outcome === 'requires_action') intent.status = 'requires_action'
    if (outcome === 'declined') {
      const error = { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline' }
      intent.last_payment_error = { ...error, message: 'Your card was declined.' }
      return stripeError(402, error.type, error.code, 'Your card was declined.', {
        decline_code: error.decline_code,
        payment_intent: { ...intent },
      })
    }
    return { status: 200, body: render(intent, params) }
  }

  const captureIntent: Handler = (params, id) => {
    const intent = findIntent(id)
    if (!('id' in intent)) return intent
    if (intent.status !== 'requires_capture') return unexpectedState(intent, 'capture')
    const amount = params.amount_to_capture === undefined ? intent.amount_capturable : Number(params.amount_to_capture)
    if (amount > intent.amount_capturable) {
      return stripeError(
        400,
        'invalid_request_error',
        'amount_too_large',
        'amount_to_capture exceeds amount_capturable.',
      )
    }
    const charge = charges.get(intent.latest_charge ?? '')
    if (charge) Object.assign(charge, { amount_captured: amount, captured: true })
    Object.assign(intent, { status: 'succeeded', amount_received: amount, amount_capturable: 0 })
    return { status: 200, body: render(intent, params) }
  }

  const cancelIntent: Handler = (params, id) => {
    const intent = findIntent(id)
    if (!('id' in intent)) return intent
    if (intent.status === 'succeeded' || intent.status === 'canceled') return unexpectedState(intent, 'cancel')
    Object.assign(intent, { status: 'canceled', amount_capturable: 0, canceled_at: nowSeconds() })
    return { status: 200, body: render(intent, params) }
  }

  const createRefund: Handler = (params) => {
    const intent = findIntent(String(params.payment_intent))
    if (!('id' in intent)) return intent
    const charge = charges.get(intent.latest_charge ?? '')
    if (intent.status !== 'succeeded' || !charge) return unexpectedState(intent, 'refund')
    const left = charge.amount_captured - charge.amount_refunded
    const amount = params.amount === undefined ? left : Number(params.amount)
    if (amount < 1 || amount > left) {
      return stripeError(
        400,
        'invalid_request_error',
        'amount_too_large',
        `Refund amount exceeds what is left (${left}).`,
      )
    }
    Object.assign(charge, { amount_refunded: charge.amount_refunded + amount, refunded: amount === left })
    const refund: FakeRefund = {
      id: newId('re'),
      object: 'refund',
      amount,
      charge: charge.id,
      payment_intent: intent.id,
      currency: intent.currency,
      status: 'succeeded',
      created: nowSeconds(),
    }
    refunds.set(refund.id, refund)
    return { status: 200, body: refund }
  }

  const createConnectionToken: Handler = () => ({
    status: 200,
    body: { object: 'terminal.connection_token', secret: `pst_test_${randomBytes(16).toString('hex')}` },
  })

  const processOnReader: Handler = (params, readerId) => {
    const intent = findIntent(String(params.payment_intent))
    if (!('id' in intent)) return intent
    const action = { payment_intent: intent.id }
    return {
      status: 200,
      body: {
        id: readerId,
        object: 'terminal.reader',
        status: 'online',
        device_type: 'bbpos_wisepos_e',
        action: { type: 'process_payment_intent', status: 'in_progress', process_payment_intent: action },
      },
    }
  }

  const routes: [string, RegExp, Handler][] = [
    ['POST', /^\/v1\/payment_intents$/, createIntent],
    ['GET', /^\/v1\/payment_intents\/([^/]+)$/, (params, id) => intentReply(findIntent(id), params)],
    ['POST', /^\/v1\/payment_intents\/([^/]+)\/capture$/, captureIntent],
    ['POST', /^\/v1\/payment_intents\/([^/]+)\/cancel$/, cancelIntent],
    ['POST', /^\/v1\/refunds$/, createRefund],
    ['POST', /^\/v1\/terminal\/connection_tokens$/, createConnectionToken],
    ['POST', /^\/v1\/terminal\/readers\/([^/]+)\/process_payment_intent$/, processOnReader],
  ]

  function intentReply(found: FakeIntent | Reply, params: Params): Reply {
    return 'id' in found ? { status: 200, body: render(found, params) } : found
  }

  function answer(method: string, path: string, key: string | null, params: Params): Reply {
    for (const [routeMethod, pattern, handler] of routes) {
      const match = method === routeMethod ? pattern.exec(path) : null
      if (!match) continue
      if (method !== 'POST' || !key) return handler(params, decodeURIComponent(match[1] ?? ''))
      return replayOrRun(`${method} ${path}`, key, params, () => handler(params, decodeURIComponent(match[1] ?? '')))
    }
    return stripeError(
      404,
      'invalid_request_error',
      'resource_missing',
      `Unrecognized request URL (${method}: ${path}).`,
    )
  }

  // Stripe keeps the first result for a key (errors included) and refuses the key for other params.
  function replayOrRun(route: string, key: string, params: Params, run: () => Reply): Reply {
    const fingerprint = JSON.stringify(params)
    const stored = idempotent.get(key)
    if (stored && (stored.route !== route || stored.fingerprint !== fingerprint)) {
      return stripeError(
        400,
        'idempotency_error',
        undefined,
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}'.`,
      )
    }
    if (stored) return stored.reply
    const reply = run()
    idempotent.set(key, { route, fingerprint, reply })
    return reply
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake-stripe')
    const text = req.method === 'GET' ? url.search.slice(1) : await readBody(req)
    const params = parseForm(text)
    const idempotencyKey = headerOf(req, 'idempotency-key')
    requests.push({ method: req.method ?? 'GET', path: url.pathname, idempotencyKey, params })
    const failure = failures.shift()
    if (failure === 'stall') return
    if (failure === 'drop') return req.socket.destroy()
    let reply: Reply
    if (failure !== undefined)
      reply = stripeError(failure, 'api_error', undefined, 'Something went wrong on Stripe’s end.')
    else if (!headerOf(req, 'authorization')?.startsWith('Bearer sk_')) {
      reply = stripeError(401, 'invalid_request_error', undefined, 'Invalid API Key provided.')
    } else {
      const stored = idempotencyKey ? idempotent.has(idempotencyKey) : false
      reply = answer(req.method ?? 'GET', url.pathname, idempotencyKey, params)
      if (stored) res.setHeader('idempotent-replayed', 'true')
    }
    res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': newId('req') })
    res.end(JSON.stringify(reply.body))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { type: 'api_error', message: String(error) } }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    host: '127.0.0.1',
    port,
    protocol: 'http',
    intents,
    charges,
    refunds,
    requests,
    failNext: (count, status) => failures.push(...Array<number | 'drop'>(count).fill(status ?? 'drop')),
    stallNext: (count) => failures.push(...Array<'stall'>(count).fill('stall')),
    setNextIntentOutcome: (outcome) => {
      nextOutcome = outcome
    },
    setDefaultIntentOutcome: (outcome) => {
      defaultOutcome = outcome
    },
    confirm(intentId) {
      const intent = intents.get(intentId)
      if (!intent) throw new Error(`fake Stripe: no intent ${intentId}`)
      if (intent.status !== 'requires_capture') authorise(intent)
      return { ...intent }
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
    },
  }
}

/** A webhook delivery as Stripe signs it: the raw body and its `Stripe-Signature` header. */
export function signWebhook(stripe: Stripe, payload: object, secret: string): { body: string; signature: string } {
  const body = JSON.stringify(payload, null, 2)
  return { body, signature: stripe.webhooks.generateTestHeaderString({ payload: body, secret }) }
}

/** A Stripe event about a payment intent, e.g. `intentEvent('payment_intent.succeeded', fake.intents.get(id))`. */
export function intentEvent(type: string, intent: object, id: string = newId('evt')) {
  return {
    id,
    object: 'event' as const,
    api_version: '2026-10-28.endive',
    type,
    data: { object: intent },
    created: nowSeconds(),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
  }
}

function stripeError(
  status: number,
  type: string,
  code: string | undefined,
  message: string,
  extra: object = {},
): Reply {
  return { status, body: { error: { type, ...(code ? { code } : {}), message, ...extra } } }
}

function unexpectedState(intent: FakeIntent, action: string): Reply {
  const message = `You cannot ${action} this PaymentIntent because it has a status of ${intent.status}.`
  return stripeError(400, 'invalid_request_error', 'payment_intent_unexpected_state', message, {
    payment_intent: { ...intent },
  })
}

/** Stripe's form encoding: `metadata[order_id]=…`, `expand[0]=…` (or `expand[]=…`), nested at will. */
function parseForm(text: string): Params {
  const root: Params = {}
  for (const [key, value] of new URLSearchParams(text)) {
    const path = [key.replace(/\[.*$/, ''), ...Array.from(key.matchAll(/\[([^\]]*)\]/g), (m) => m[1] ?? '')]
    let node: Params | unknown[] = root
    path.forEach((segment, i) => {
      const slot: string | number = Array.isArray(node) && segment === '' ? node.length : segment
      const into = node as Record<string | number, unknown>
      if (i === path.length - 1) {
        into[slot] = value
        return
      }
      into[slot] ??= /^\d*$/.test(path[i + 1] ?? '') ? [] : {}
      node = into[slot] as Params | unknown[]
    })
  }
  return root
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function headerOf(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name]
  return (Array.isArray(value) ? value[0] : value) ?? null
}

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}
