import { randomBytes } from 'node:crypto'
import type { Caller, HostileHttp } from './http.js'
import { arrayAt, at, stringAt } from './json.js'
import type { Probe } from './probe.js'
import type { World } from './world.js'

const PARALLEL_RETRIES = 10
/** More retries than hand-overs: the duplicate authorisation is a narrow race, seen one run in two at 10. */
const PARALLEL_CHECKOUTS = 20
/** Payment states that hold or took money; voided and failed ones do not count as live. */
const LIVE_PAYMENT = new Set(['PENDING', 'REQUIRES_ACTION', 'AUTHORIZED', 'CAPTURED'])

interface PaymentView {
  provider: string
  status: string
  capturedMinor: number
}

async function orderView(http: HostileHttp, orderId: string, caller: Caller) {
  const answer = await http.gql(
    `query($id: ID!) { order(id: $id) { status total { amountMinor }
       payments { provider status captured { amountMinor } } } }`,
    { id: orderId },
    caller,
  )
  const payments: PaymentView[] = arrayAt(answer.data, 'order', 'payments').map((payment) => ({
    provider: String(at(payment, 'provider')),
    status: String(at(payment, 'status')),
    capturedMinor: Number(at(payment, 'captured', 'amountMinor') ?? 0),
  }))
  return {
    status: stringAt(answer.data, 'order', 'status'),
    totalMinor: Number(at(answer.data, 'order', 'total', 'amountMinor') ?? 0),
    payments,
  }
}

async function checkout(http: HostileHttp, world: World, cart: { cartId: string; cartToken: string }, key: string) {
  const slots = await http.gql(
    'query($storeId: ID!) { store(id: $storeId) { nextPickupSlot { start } } }',
    { storeId: world.storeId },
    world.arranger(),
  )
  const answer = await http.gql(
    `mutation($input: CheckoutPlaceOrderInput!) { checkoutPlaceOrder(input: $input) {
       order { id } userErrors { code } } }`,
    {
      input: {
        cartId: cart.cartId,
        storeId: world.storeId,
        pickupSlotStart: stringAt(slots.data, 'store', 'nextPickupSlot', 'start'),
        paymentMode: 'ONLINE',
        idempotencyKey: key,
        email: 'guest@hostile.example',
      },
    },
    world.arranger({ cartToken: cart.cartToken }),
  )
  return stringAt(answer.data, 'checkoutPlaceOrder', 'order', 'id')
}

export const parallelOnlineCheckoutRetries: Probe = {
  name: 'parallel retries of one online checkout',
  item: 5,
  async run({ http, world }) {
    const cart = await world.newCart(world.arranger())
    const key = `hostile-${randomBytes(8).toString('hex')}`
    const orderIds = await Promise.all(
      Array.from({ length: PARALLEL_CHECKOUTS }, () => checkout(http, world, cart, key)),
    )
    const distinct = [...new Set(orderIds.filter((id): id is string => id !== undefined))]
    if (distinct.length === 0) throw new Error('no retry of the online checkout placed an order')
    const findings =
      distinct.length > 1 ? [`${PARALLEL_CHECKOUTS} retries of one checkout placed ${distinct.length} orders`] : []
    for (const orderId of distinct) {
      const live = (await orderView(http, orderId, { cartToken: cart.cartToken })).payments.filter((payment) =>
        LIVE_PAYMENT.has(payment.status),
      )
      if (live.length > 1) {
        const statuses = live.map((payment) => `${payment.provider} ${payment.status}`).join(', ')
        findings.push(
          `${PARALLEL_CHECKOUTS} parallel retries of one online checkout left ${live.length} live payments on one order (${statuses})`,
        )
      }
    }
    return findings
  },
}

/** Waits for the online authorisation to land (the order leaves PENDING_PAYMENT). */
async function waitUntilPlaced(http: HostileHttp, orderId: string, caller: Caller): Promise<string | undefined> {
  let status: string | undefined
  for (let attempt = 0; attempt < 30; attempt++) {
    status = (await orderView(http, orderId, caller)).status
    if (status !== 'PENDING_PAYMENT') return status
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return status
}

export const parallelOnlineCollect: Probe = {
  name: 'parallel hand-overs of one online order',
  item: 5,
  async run({ http, world, note }) {
    const order = await world.placeOrder({ paymentMode: 'ONLINE' })
    const guest = { cartToken: order.cartToken }
    const status = await waitUntilPlaced(http, order.orderId, guest)
    if (status !== 'PLACED') throw new Error(`the online order did not get to PLACED (it is ${status})`)
    await world.makeReady(order.orderId)
    const staff = { token: world.managerToken, address: http.newAddress() }
    const answers = await Promise.all(
      Array.from({ length: PARALLEL_RETRIES }, () =>
        http.gql(
          'mutation($input: OrderCollectInput!) { orderCollect(input: $input) { order { status } userErrors { code } } }',
          { input: { orderId: order.orderId, pickupCode: order.pickupCode } },
          staff,
        ),
      ),
    )
    const handedOver = answers.filter(
      (answer) =>
        stringAt(answer.data, 'orderCollect', 'order', 'status') === 'COLLECTED' &&
        arrayAt(answer.data, 'orderCollect', 'userErrors').length === 0,
    ).length
    const view = await orderView(http, order.orderId, guest)
    const captured = view.payments.reduce((sum, payment) => sum + payment.capturedMinor, 0)
    const findings: string[] = []
    if (view.status !== 'COLLECTED') note(`no hand-over went through (the order is ${view.status})`)
    if (handedOver > 1)
      findings.push(`${PARALLEL_RETRIES} parallel orderCollect handed one order over ${handedOver} times`)
    if (captured > view.totalMinor) findings.push(`captured ${captured} minor units on an order of ${view.totalMinor}`)
    if (view.status === 'COLLECTED' && captured < view.totalMinor) {
      findings.push(`an online order was handed over with ${captured} of ${view.totalMinor} minor units captured`)
    }
    return findings
  },
}
