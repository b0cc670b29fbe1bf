import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { schema } from '../../src/graphql/schema.js'
import { cartHeaders, createCart } from '../fixtures/carts.js'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { firstSlot, openAllDay, placeOrder } from '../fixtures/orders.js'
import { argumentsArbitrary, type FuzzPools, operationFor, rootFields } from '../helpers/schema-fuzz.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

/**
 * Every argument of every query and mutation, walked from the schema, gets random and boundary
 * values as each kind of caller; no answer may be INTERNAL or a 5xx. Subscriptions are left out:
 * they need an event stream, not one request. FUZZ_SEED replays a run, FUZZ_RUNS sets its size.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261204)
const RUNS_PER_FIELD = Number(process.env.FUZZ_RUNS ?? 60)
const FIELD_BUDGET_MS = Number(process.env.FUZZ_FIELD_BUDGET_MS ?? 1500)
const NOW = new Date('2026-11-24T08:00:00Z')
const ACTORS = ['anonymous', 'customer', 'manager', 'terminal'] as const
type Actor = (typeof ACTORS)[number]

let testDb: TestDb
let api: TestApp
let pools: FuzzPools
let headersOf: Record<Actor, Record<string, string>>

async function rowIds(table: 'store' | 'variant' | 'product' | 'category' | 'customer', limit: number) {
  const rows = await testDb.db.selectFrom(table).select('id').orderBy('id').limit(limit).execute()
  return rows.map((row) => row.id)
}

async function registerTill(storeGid: string, token: string, label: string, readerId: string) {
  const result = await api.gql<{ posTerminalRegister: { terminal: { id: string }; terminalKey: string } }>(
    'mutation($input: PosTerminalRegisterInput!) { posTerminalRegister(input: $input) { terminal { id } terminalKey } }',
    { input: { storeId: storeGid, label, readerId } },
    { token },
  )
  return result.data!.posTerminalRegister
}

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  const rivoli = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  const bellecour = await storeIdByCode(testDb.db, 'LYO-BELLECOUR')
  await openAllDay(testDb.db, rivoli)
  const variants = await testDb.db
    .selectFrom('variant')
    .select(['id', 'sku', 'barcode'])
    .orderBy('sku')
    .limit(3)
    .execute()
  for (const variant of variants) await setLevel(testDb.db, rivoli, variant.id, { on_hand: 50 })
  const rivoliGid = globalId('Store', rivoli)
  const manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  const admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  const till = await registerTill(rivoliGid, manager, 'Fuzzed till', 'tmr_FuzzReader1')
  // A second till is what the fuzzer may revoke or relabel, so the acting one keeps working.
  const spare = await registerTill(rivoliGid, manager, 'Spare till', 'tmr_SpareReader1')
  const foreign = await registerTill(globalId('Store', bellecour), admin, 'Lyon till', 'tmr_OtherStoreReader')
  const customer = await api.gql<{ customerSignIn: { accessToken: string; customer: { id: string } } }>(
    'mutation($input: CustomerSignInInput!) { customerSignIn(input: $input) { accessToken customer { id } } }',
    { input: { email: 'alice@comptoir.dev', password: 'comptoir-alice' } },
  )
  const lines = [{ variantId: globalId('Variant', variants[0]!.id), quantity: 1 }]
  const placed = await placeOrder(api, { storeGid: rivoliGid, lines })
  const guestCart = await createCart(api, { channel: 'WEB', lines })
  const ids = [
    ...(await rowIds('store', 6)).map((id) => globalId('Store', id)),
    ...(await rowIds('product', 3)).map((id) => globalId('Product', id)),
    ...(await rowIds('category', 2)).map((id) => globalId('Category', id)),
    ...(await rowIds('customer', 2)).map((id) => globalId('Customer', id)),
    ...variants.map((variant) => globalId('Variant', variant.id)),
    placed.result.order!.id,
    placed.cart.id,
    guestCart.cart.id,
    spare.terminal.id,
    foreign.terminal.id,
  ]
  pools = {
    ids,
    strings: {
      sku: variants.map((variant) => variant.sku),
      barcode: variants.map((variant) => variant.barcode ?? '4006381333931'),
      pickupCode: [placed.result.pickupCode ?? '123456', '000000'],
      pickupPass: [placed.result.order!.pickupPass ?? 'pass'],
      email: ['alice@comptoir.dev', 'manager.par-rivoli@comptoir.dev', 'new.shopper@example.com'],
      password: ['comptoir-alice', 'comptoir-staff', 'a long enough password'],
      amountTendered: ['20.00', '0.01', '500', '999999999.99', '99999999.999', '1000000000'],
      readerId: ['tmr_FuzzReader1', 'tmr_SpareReader1', 'tmr_OtherStoreReader'],
      idempotencyKey: ['fuzz-key-0001', 'fuzz-key-0002'],
      query: ['mug', 'alice', placed.result.order!.number],
      code: ['ABC123', 'ZZZZZZ'],
      cartToken: [guestCart.cartToken],
    },
    instants: [await firstSlot(api, rivoliGid), NOW.toISOString(), new Date(NOW.getTime() + 86_400_000).toISOString()],
  }
  headersOf = {
    anonymous: cartHeaders(guestCart.cartToken),
    customer: { authorization: `Bearer ${customer.data!.customerSignIn.accessToken}` },
    manager: { authorization: `Bearer ${manager}` },
    terminal: { authorization: `Bearer ${till.terminalKey}` },
  }
}, 60_000)
afterAll(() => testDb.destroy())

interface Failure {
  field: string
  actor: Actor
  variables: unknown
  status: number
  errors: unknown
}

/** Sends one case; answers why it failed, or null. */
async function runCase(query: string, actor: Actor, variables: Record<string, unknown>) {
  const response = await api.app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headersOf[actor] },
    body: JSON.stringify({ query, variables }),
  })
  const text = await response.text()
  if (response.status >= 500) return { status: response.status, errors: text.slice(0, 500) }
  let body: { errors?: { message: string; extensions?: { code?: string } }[] }
  try {
    body = JSON.parse(text)
  } catch {
    return { status: response.status, errors: `not JSON: ${text.slice(0, 200)}` }
  }
  const internal = body.errors?.filter((error) => error.extensions?.code === 'INTERNAL' || !error.extensions?.code)
  return internal?.length ? { status: response.status, errors: internal } : null
}

/** Shortens the 100 KB strings and long lists of a failing case so that its report stays readable. */
function abbreviate(value: unknown): unknown {
  if (typeof value === 'string') return value.length > 80 ? `${value.slice(0, 20)}…(${value.length} chars)` : value
  if (Array.isArray(value))
    return value.length > 5 ? [...value.slice(0, 2).map(abbreviate), `…(${value.length} items)`] : value.map(abbreviate)
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, abbreviate(v)]))
  return value
}

describe('schema-driven input fuzzing', () => {
  it('answers every query and mutation argument, as every kind of caller, without INTERNAL or 5xx', async () => {
    const failures: Failure[] = []
    let cases = 0
    const fields = rootFields(schema)
    for (const [index, { kind, field }] of fields.entries()) {
      const query = operationFor(kind, field)
      const property = fc.asyncProperty(
        fc.constantFrom(...ACTORS),
        argumentsArbitrary(field.args, pools),
        async (actor, variables) => {
          cases += 1
          const failure = await runCase(query, actor, variables)
          if (failure) failures.push({ field: field.name, actor, variables: abbreviate(variables), ...failure })
          return failure === null
        },
      )
      // One failure per field is enough to report, so no shrinking; a field whose every case is
      // slow by design (a password hash per sign-in) stops at its time budget, not the suite's.
      await fc.check(property, {
        seed: SEED + index,
        numRuns: RUNS_PER_FIELD,
        endOnFailure: true,
        interruptAfterTimeLimit: FIELD_BUDGET_MS,
        markInterruptAsFailure: false,
      })
    }
    console.info(`input fuzz: ${cases} cases over ${fields.length} fields, seed ${SEED}`)
    expect(failures, `seed ${SEED}: ${JSON.stringify(failures, null, 2)}`).toEqual([])
  }, 180_000)
})
