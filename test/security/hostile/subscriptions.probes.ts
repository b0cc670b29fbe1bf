import type { Caller, EventStream, HostileHttp } from './http.js'
import { at, stringAt } from './json.js'
import type { Probe } from './probe.js'
import { ACCOUNTS, signInStaff, type World } from './world.js'

/** How long a refusal may take to arrive; an accepted stream says nothing in that time. */
const REFUSAL_WAIT_MS = 2000
/** How long an event takes, at most, from a commit to an open stream (outbox poll included). */
const EVENT_WAIT_MS = 4000

/** Silence that says a stream has delivered everything queued so far. */
const QUIET_MS = 1000

const ORDER_FIELDS = '{ id status total { amount } }'

/**
 * A stream refused at subscribe answers an error (or a non-stream response) straight away. One
 * that stays silent was accepted; `trigger` then makes a change it would announce, to see if it leaks.
 */
async function refusedAtSubscribe(
  what: string,
  stream: EventStream,
  field: string,
  trigger: () => Promise<void>,
): Promise<string[]> {
  try {
    if (stream.status !== 200 || !stream.contentType.includes('text/event-stream')) return []
    const first = await stream.next(REFUSAL_WAIT_MS)
    if (first.kind === 'end') return []
    if (first.kind === 'event') {
      return at(first.payload, 'data', field) ? [`${what}: the stream announced ${JSON.stringify(first.payload)}`] : []
    }
    await trigger()
    const next = await stream.next(EVENT_WAIT_MS)
    const leaked = next.kind === 'event' && at(next.payload, 'data', field)
    return [
      leaked
        ? `${what}: accepted at subscribe, and it announced ${JSON.stringify(at(next.payload, 'data', field))}`
        : `${what}: accepted at subscribe (the stream stayed open with no refusal)`,
    ]
  } finally {
    stream.close()
  }
}

export const anonymousStoreQueue: Probe = {
  name: 'anonymous storeQueueUpdated stream',
  item: 3,
  async run({ http, world }) {
    const stream = await http.subscribe(
      `subscription($storeId: ID!) { storeQueueUpdated(storeId: $storeId) ${ORDER_FIELDS} }`,
      { storeId: world.storeId },
      { address: http.newAddress() },
    )
    return refusedAtSubscribe('anonymous storeQueueUpdated', stream, 'storeQueueUpdated', async () => {
      await world.placeOrder({ paymentMode: 'AT_PICKUP' })
    })
  },
}

export const otherStoresManagerQueue: Probe = {
  name: "another store's manager on storeQueueUpdated",
  item: 3,
  async run({ http, world }) {
    const token = await signInStaff(http, ACCOUNTS.elsewhere, world.arranger())
    const stream = await http.subscribe(
      `subscription($storeId: ID!) { storeQueueUpdated(storeId: $storeId) ${ORDER_FIELDS} }`,
      { storeId: world.storeId },
      { token, address: http.newAddress() },
    )
    return refusedAtSubscribe("another store's manager on storeQueueUpdated", stream, 'storeQueueUpdated', async () => {
      await world.placeOrder({ paymentMode: 'AT_PICKUP' })
    })
  },
}

export const strangersOrderStream: Probe = {
  name: "a stranger's orderUpdated stream on someone's order",
  item: 3,
  async run({ http, world }) {
    const order = await world.placeOrder({ paymentMode: 'AT_PICKUP' })
    const stream = await http.subscribe(
      `subscription($orderId: ID!) { orderUpdated(orderId: $orderId) ${ORDER_FIELDS} }`,
      { orderId: order.orderId },
      { address: http.newAddress() },
    )
    return refusedAtSubscribe('anonymous orderUpdated on a guest order', stream, 'orderUpdated', () =>
      world.makeReady(order.orderId),
    )
  },
}

export const strangersCartStream: Probe = {
  name: "a stranger's cartUpdated stream on someone's cart",
  item: 3,
  async run({ http, world }) {
    const owner = world.arranger()
    const cart = await world.newCart(owner)
    const stream = await http.subscribe(
      'subscription($cartId: ID!) { cartUpdated(cartId: $cartId) { id itemCount } }',
      { cartId: cart.cartId },
      { address: http.newAddress() },
    )
    return refusedAtSubscribe('cartUpdated without the cart token', stream, 'cartUpdated', async () => {
      await addLine(http, world, cart, owner)
    })
  },
}

async function addLine(http: HostileHttp, world: World, cart: { cartId: string; cartToken: string }, caller: Caller) {
  await http.gql(
    'mutation($input: CartLinesAddInput!) { cartLinesAdd(input: $input) { userErrors { code } } }',
    { input: { cartId: cart.cartId, lines: [{ variantId: world.variantId, quantity: 1 }] } },
    { ...caller, cartToken: cart.cartToken },
  )
}

export const revokedTerminalStream: Probe = {
  name: "a revoked terminal's open storeQueueUpdated stream",
  item: 3,
  async run({ http, world }) {
    const manager = world.arranger({ token: world.managerToken })
    const registered = await http.gql(
      `mutation($input: PosTerminalRegisterInput!) { posTerminalRegister(input: $input) {
         terminal { id } terminalKey userErrors { code } } }`,
      { input: { storeId: world.storeId, label: 'hostile probe till' } },
      manager,
    )
    const terminalId = stringAt(registered.data, 'posTerminalRegister', 'terminal', 'id')
    const terminalKey = stringAt(registered.data, 'posTerminalRegister', 'terminalKey')
    if (!terminalId || !terminalKey) throw new Error(`posTerminalRegister failed: ${registered.text.slice(0, 300)}`)
    const stream = await http.subscribe(
      `subscription($storeId: ID!) { storeQueueUpdated(storeId: $storeId) ${ORDER_FIELDS} }`,
      { storeId: world.storeId },
      { token: terminalKey, address: http.newAddress() },
    )
    try {
      if (stream.status !== 200)
        throw new Error(`the terminal's own stream was refused before revocation (${stream.status})`)
      // Events of earlier changes, delivered while the terminal was valid, are not findings.
      while ((await stream.next(QUIET_MS)).kind === 'event') {}
      await http.gql(
        'mutation($input: PosTerminalRevokeInput!) { posTerminalRevoke(input: $input) { userErrors { code } } }',
        { input: { terminalId } },
        manager,
      )
      const placed = await world.placeOrder({ paymentMode: 'AT_PICKUP' })
      return await revokedStreamFindings(stream, placed.orderId)
    } finally {
      stream.close()
    }
  },
}

/** After revocation the stream must end; an order arriving on it, or the stream staying open, is a finding. */
async function revokedStreamFindings(stream: EventStream, placedOrderId: string): Promise<string[]> {
  for (;;) {
    const message = await stream.next(EVENT_WAIT_MS)
    if (message.kind === 'end') return []
    if (message.kind === 'timeout') return ['the revoked terminal’s stream stayed open after revocation']
    const order = at(message.payload, 'data', 'storeQueueUpdated')
    if (order) {
      const which = stringAt(order, 'id') === placedOrderId ? 'the order placed after revocation' : 'an order'
      return [`the revoked terminal’s stream still received ${which}: ${JSON.stringify(order)}`]
    }
    // An error event is a refusal of that one event; the stream must still end.
  }
}
