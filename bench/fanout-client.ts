import { parentPort, workerData } from 'node:worker_threads'
import type { HttpRequest } from './measure.js'
import { property } from './scenarios.js'
import { readSse, type SseEvent } from './sse-stream.js'

// Runs in a worker thread (started through fanout-worker.mjs), like autocannon's load: the
// subscribers and the shopper placing orders do not share the event loop of the server they time.

export interface FanoutWork {
  baseUrl: string
  /** Where the checkouts go when not to baseUrl: another instance than the subscribers'. */
  checkoutBaseUrl?: string
  subscribers: number
  /** storeQueueUpdated as staff of the store, asking for text/event-stream. */
  subscription: HttpRequest
  /** Checkouts placed until every subscriber has received one: proof the streams are live. */
  probes: readonly HttpRequest[]
  sequential: readonly HttpRequest[]
  bursts: readonly (readonly HttpRequest[])[]
  /** How long to wait for an order's deliveries before moving on; later ones still count. */
  settleMs: number
}

export interface OrderTiming {
  phase: 'sequential' | 'burst'
  httpStatus: number
  /** Global id and number of the order the checkout answered with; null when it placed none. */
  orderId: string | null
  number: string | null
  /** performance.now() of the worker when the request started and when its body was read. */
  startedAt: number
  answeredAt: number
  /**
   * The order's createdAt (the checkout transaction's start on the database clock, this same
   * machine's), on the worker's performance.now() scale; null until an event carried it. The
   * order commits after it and before the answer, so arrival − placedAt bounds the delivery from
   * above and arrival − answeredAt from below.
   */
  placedAt: number | null
  /** Per subscriber: first arrival of this order on the stream, or null if it never came. */
  arrivals: (number | null)[]
}

export interface FanoutOutcome {
  probesPlaced: number
  orders: OrderTiming[]
  /** An order arriving again on a stream that already had it. */
  duplicates: number
  /** Events with errors, of orders nobody placed here, or not PLACED / with another number. */
  unexpected: string[]
  problems: string[]
}

const work = workerData as FanoutWork
const url = (request: HttpRequest, base = work.baseUrl) => new URL(request.path, base)
/** order id → per subscriber: first arrival, and what the event said. */
const seen = new Map<string, Map<number, { at: number; status: unknown; number: unknown }>>()
/** order id → its createdAt on the worker's performance.now() scale. */
const placedAt = new Map<string, number>()
const outcome: FanoutOutcome = { probesPlaced: 0, orders: [], duplicates: 0, unexpected: [], problems: [] }
let onArrival: (() => void) | null = null

function record(subscriber: number, data: string, at: number) {
  const body: unknown = JSON.parse(data)
  const order = property(property(body, 'data'), 'storeQueueUpdated')
  const id = property(order, 'id')
  if (typeof id !== 'string') return void outcome.unexpected.push(data.slice(0, 200))
  const bySubscriber = seen.get(id) ?? new Map()
  seen.set(id, bySubscriber)
  const createdAt = property(order, 'createdAt')
  if (typeof createdAt === 'string') placedAt.set(id, Date.parse(createdAt) - performance.timeOrigin)
  if (bySubscriber.has(subscriber)) outcome.duplicates++
  else bySubscriber.set(subscriber, { at, status: property(order, 'status'), number: property(order, 'number') })
  onArrival?.()
}

async function subscribe(subscriber: number, signal: AbortSignal): Promise<void> {
  const { method, headers, body } = work.subscription
  const response = await fetch(url(work.subscription), { method, headers, body, signal })
  if (!response.ok || !response.body) throw new Error(`subscription ${subscriber} answered ${response.status}`)
  // yoga ends a stream with an empty `complete` event; every other event is one result.
  const onEvent = (event: SseEvent) => event.event !== 'complete' && record(subscriber, event.data, event.receivedAt)
  readSse(response.body, onEvent).catch((error: unknown) => {
    if (!signal.aborted) outcome.problems.push(`subscription ${subscriber} broke: ${String(error)}`)
  })
}

async function place(request: HttpRequest, phase: OrderTiming['phase']): Promise<OrderTiming> {
  const startedAt = performance.now()
  const { method, headers, body: sent } = request
  // A checkout that hangs fails the run instead of hanging the bench.
  const response = await fetch(url(request, work.checkoutBaseUrl ?? work.baseUrl), {
    method,
    headers,
    body: sent,
    signal: AbortSignal.timeout(30_000),
  })
  const body: unknown = await response.json()
  const answeredAt = performance.now()
  const order = property(property(property(body, 'data'), 'checkoutPlaceOrder'), 'order')
  const orderId = property(order, 'id')
  const number = property(order, 'number')
  if (typeof orderId !== 'string') outcome.problems.push(`a checkout placed no order: ${JSON.stringify(body)}`)
  return {
    phase,
    httpStatus: response.status,
    orderId: typeof orderId === 'string' ? orderId : null,
    number: typeof number === 'string' ? number : null,
    startedAt,
    answeredAt,
    placedAt: null,
    arrivals: [],
  }
}

const deliveredToAll = (orders: readonly OrderTiming[]) => () =>
  orders.every((order) => order.orderId === null || (seen.get(order.orderId)?.size ?? 0) >= work.subscribers)

/** Resolves once `done()` holds, checked after every arrival, or at `deadline`. */
async function waitUntil(done: () => boolean, deadline: number): Promise<boolean> {
  while (!done()) {
    const left = deadline - performance.now()
    if (left <= 0) return false
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left)
      onArrival = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    onArrival = null
  }
  return true
}

async function main(): Promise<void> {
  // One controller per stream: a signal shared by 20 fetches trips Node's max-listeners warning.
  const aborts = Array.from({ length: work.subscribers }, () => new AbortController())
  await Promise.all(aborts.map((abort, index) => subscribe(index, abort.signal)))
  const expectedIds = new Set<string>()
  let live = false
  for (const probe of work.probes) {
    outcome.probesPlaced++
    const order = await place(probe, 'sequential')
    if (order.orderId) expectedIds.add(order.orderId)
    live = await waitUntil(deliveredToAll([order]), performance.now() + work.settleMs)
    if (live) break
  }
  if (!live) outcome.problems.push(`no probe order reached all ${work.subscribers} subscribers`)
  const placed: OrderTiming[] = []
  for (const request of work.sequential) {
    const order = await place(request, 'sequential')
    placed.push(order)
    await waitUntil(deliveredToAll([order]), performance.now() + work.settleMs)
  }
  for (const burst of work.bursts) {
    const orders = await Promise.all(burst.map((request) => place(request, 'burst')))
    placed.push(...orders)
    await waitUntil(deliveredToAll(orders), performance.now() + work.settleMs)
  }
  // Stragglers of orders that timed out above still count, if they come now.
  await waitUntil(deliveredToAll(placed), performance.now() + work.settleMs)
  for (const abort of aborts) abort.abort()
  for (const order of placed) {
    const bySubscriber = order.orderId ? seen.get(order.orderId) : undefined
    if (order.orderId) expectedIds.add(order.orderId)
    order.placedAt = order.orderId ? (placedAt.get(order.orderId) ?? null) : null
    order.arrivals = Array.from({ length: work.subscribers }, (_, index) => bySubscriber?.get(index)?.at ?? null)
    for (const event of bySubscriber?.values() ?? [])
      if (event.status !== 'PLACED' || event.number !== order.number)
        outcome.unexpected.push(`order ${order.number} arrived as ${String(event.number)} ${String(event.status)}`)
  }
  outcome.orders = placed
  const strangers = [...seen.keys()].filter((id) => !expectedIds.has(id))
  if (strangers.length > 0) outcome.unexpected.push(`${strangers.length} events of orders not placed by this client`)
}

main()
  .catch((error: unknown) => {
    outcome.problems.push(`the fan-out client failed: ${error instanceof Error ? error.stack : String(error)}`)
  })
  .finally(() => parentPort?.postMessage(outcome))
