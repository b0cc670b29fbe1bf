import {
  AMOUNT_CASES,
  type CaseScene,
  EXTREME_INTS,
  forgedIds,
  HOSTILE_AMOUNTS,
  HOSTILE_STRINGS,
  ID_CASES,
  INT_CASES,
  type InputCase,
  type Role,
  STRING_CASES,
} from './bad-input.cases.js'
import type { Caller, HostileHttp } from './http.js'
import { internalFaultsOf } from './http.js'
import { stringAt } from './json.js'
import type { Probe, ProbeContext } from './probe.js'
import type { World } from './world.js'

/** Requests in flight at once: enough to be quick, few enough not to be a load test. */
const CONCURRENCY = 8

function describeValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 40 ? `${text.slice(0, 20)}… (${text.length} characters)` : text
}

async function terminalKeyOf(http: HostileHttp, world: World): Promise<string> {
  const answer = await http.gql(
    `mutation($input: PosTerminalRegisterInput!) { posTerminalRegister(input: $input) { terminalKey userErrors { code } } }`,
    { input: { storeId: world.storeId, label: 'hostile input till' } },
    world.arranger({ token: world.managerToken }),
  )
  const key = stringAt(answer.data, 'posTerminalRegister', 'terminalKey')
  if (!key) throw new Error(`posTerminalRegister failed: ${answer.text.slice(0, 300)}`)
  return key
}

async function sceneOf(world: World): Promise<CaseScene> {
  const cart = await world.newCart(world.arranger())
  const ready = await world.placeOrder({ paymentMode: 'AT_PICKUP' })
  await world.makeReady(ready.orderId)
  const preparing = await world.placeOrder({ paymentMode: 'AT_PICKUP' })
  await world.startPreparing(preparing.orderId)
  return {
    storeId: world.storeId,
    variantId: world.variantId,
    sku: world.sku,
    cartId: cart.cartId,
    readyOrderId: ready.orderId,
    preparingOrderId: preparing.orderId,
  }
}

/** Sends every case with every value, as its role; each INTERNAL error or 5xx is one finding. */
async function sendAll(
  http: HostileHttp,
  callers: Record<Role, Omit<Caller, 'address'>>,
  scene: CaseScene,
  cases: readonly InputCase[],
  values: readonly unknown[],
): Promise<{ findings: string[]; sent: number }> {
  const jobs = cases.flatMap((inputCase) => values.map((value) => ({ inputCase, value })))
  const findings: string[] = []
  for (let start = 0; start < jobs.length; start += CONCURRENCY) {
    await Promise.all(
      jobs.slice(start, start + CONCURRENCY).map(async ({ inputCase, value }) => {
        const caller = { ...callers[inputCase.who], address: http.newAddress() }
        const answer = await http.gql(inputCase.document, inputCase.variables(value, scene), caller)
        for (const fault of internalFaultsOf(answer)) {
          findings.push(`${inputCase.label} as ${inputCase.who} with ${describeValue(value)}: ${fault}`)
        }
      }),
    )
  }
  return { findings, sent: jobs.length }
}

async function callersOf(http: HostileHttp, world: World): Promise<Record<Role, Omit<Caller, 'address'>>> {
  const customer = await world.signUpCustomer()
  return {
    anonymous: {},
    customer: { token: customer.token },
    manager: { token: world.managerToken },
    terminal: { token: await terminalKeyOf(http, world) },
  }
}

export const hostileArguments: Probe = {
  name: 'control characters, 100 KB strings, extreme numbers and forged ids in arguments',
  item: 8,
  async run({ http, world, note }: ProbeContext) {
    const callers = await callersOf(http, world)
    const scene = await sceneOf(world)
    const storeRawId = Buffer.from(world.storeId, 'base64').toString().split(':')[1] ?? ''
    const batches = [
      await sendAll(http, callers, scene, STRING_CASES, HOSTILE_STRINGS),
      await sendAll(http, callers, scene, INT_CASES, EXTREME_INTS),
      await sendAll(http, callers, scene, AMOUNT_CASES, HOSTILE_AMOUNTS),
      await sendAll(http, callers, scene, ID_CASES, forgedIds(storeRawId)),
    ]
    note(`${batches.reduce((sum, batch) => sum + batch.sent, 0)} hostile requests sent`)
    return batches.flatMap((batch) => batch.findings)
  },
}

const COLLECT =
  'mutation($input: OrderCollectInput!) { orderCollect(input: $input) { order { status } userErrors { code } } }'

export const hugeTenderAtCollect: Probe = {
  name: 'a cash tender of 999999999.99 at the counter',
  item: 8,
  async run({ http, world }) {
    const findings: string[] = []
    for (const amountTendered of ['999999999.99', '99999999999999999999.99']) {
      const order = await world.placeOrder({ paymentMode: 'AT_PICKUP' })
      await world.makeReady(order.orderId)
      const answer = await http.gql(
        COLLECT,
        {
          input: { orderId: order.orderId, pickupCode: order.pickupCode, payment: { method: 'CASH', amountTendered } },
        },
        world.arranger({ token: world.managerToken }),
      )
      for (const fault of internalFaultsOf(answer))
        findings.push(`orderCollect tendering "${amountTendered}" in cash: ${fault}`)
    }
    return findings
  },
}

export const duplicateReturnLines: Probe = {
  name: 'a return naming the same SKU twice',
  item: 8,
  async run({ http, world }) {
    const order = await world.placeOrder({ paymentMode: 'AT_PICKUP' })
    await world.makeReady(order.orderId)
    const staff = world.arranger({ token: world.managerToken })
    const collected = await http.gql(
      COLLECT,
      {
        input: {
          orderId: order.orderId,
          pickupCode: order.pickupCode,
          payment: { method: 'CASH', amountTendered: '1000.00' },
        },
      },
      staff,
    )
    if (stringAt(collected.data, 'orderCollect', 'order', 'status') !== 'COLLECTED') {
      throw new Error(`orderCollect failed: ${collected.text.slice(0, 300)}`)
    }
    const answer = await http.gql(
      'mutation($input: PosReturnCreateInput!) { posReturnCreate(input: $input) { userErrors { code } } }',
      {
        input: {
          orderId: order.orderId,
          lines: [
            { sku: world.sku, quantity: 1 },
            { sku: world.sku, quantity: 1 },
          ],
          refundTo: 'CASH',
        },
      },
      staff,
    )
    return internalFaultsOf(answer).map((fault) => `posReturnCreate with the same SKU twice: ${fault}`)
  },
}

export const emptyPickupPass: Probe = {
  name: 'an empty pickupPass',
  item: 8,
  async run({ http, world }) {
    const order = await world.placeOrder({ paymentMode: 'AT_PICKUP' })
    await world.makeReady(order.orderId)
    const arrive = await http.gql(
      'mutation($input: OrderArriveInput!) { orderArrive(input: $input) { userErrors { code } } }',
      { input: { pickupPass: '' } },
      { address: http.newAddress() },
    )
    const collect = await http.gql(
      COLLECT,
      { input: { orderId: order.orderId, pickupPass: '' } },
      world.arranger({ token: world.managerToken }),
    )
    return [
      ...internalFaultsOf(arrive).map((fault) => `orderArrive(pickupPass: ""): ${fault}`),
      ...internalFaultsOf(collect).map((fault) => `orderCollect(pickupPass: ""): ${fault}`),
    ]
  },
}
