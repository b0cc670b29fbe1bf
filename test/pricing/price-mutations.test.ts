import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { includedTaxMinor } from '../../src/modules/shared/money.js'
import { globalId, storeIdByCode } from '../fixtures/ids.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let clock = new Date('2027-02-01T12:00:00.000Z')
let admin: string
let rivoliManager: string
let customer: string
let rivoli: { id: string; gid: string }
let oberkampf: { id: string; gid: string }
let variant: { id: string; gid: string; base: number }

const PRICE_SET = `mutation($input: PriceSetInput!) {
  priceSet(input: $input) {
    variant { id } price { id amountMinor channel startsAt endsAt store { code } }
    userErrors { code field message }
  }
}`
const PRICE_REMOVE = `mutation($input: PriceRemoveInput!) {
  priceRemove(input: $input) { variant { id } removedPriceId userErrors { code field message } }
}`
const PRICE = `query($id: ID!, $storeId: ID, $channel: Channel) {
  node(id: $id) { ... on Variant { price(storeId: $storeId, channel: $channel) { amountMinor } } }
}`

interface SetResult {
  priceSet: {
    variant: { id: string } | null
    price: { id: string; amountMinor: number; channel: string | null } | null
    userErrors: { code: string; field: string[] | null }[]
  }
}

function setPrice(input: Record<string, unknown>, token?: string) {
  return api.gql<SetResult>(PRICE_SET, { input: { variantId: variant.gid, ...input } }, { token })
}

async function priceOf(context: { storeId?: string; channel?: string } = {}, token?: string) {
  const result = await api.gql<{ node: { price: { amountMinor: number } } }>(
    PRICE,
    { id: variant.gid, ...context },
    { token },
  )
  expect(result.errors).toBeUndefined()
  return result.data!.node.price.amountMinor
}

async function changeCounts() {
  const [overrides, audits, base] = await Promise.all([
    testDb.db
      .selectFrom('price_override')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
    testDb.db
      .selectFrom('audit_entry')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
    testDb.db.selectFrom('variant').select('price_minor').where('id', '=', variant.id).executeTakeFirstOrThrow(),
  ])
  return { overrides: Number(overrides.n), audits: Number(audits.n), base: base.price_minor }
}

async function lastAudit() {
  return testDb.db.selectFrom('audit_entry').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()
}

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => clock })
  const rivoliId = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  const oberkampfId = await storeIdByCode(testDb.db, 'PAR-OBERKAMPF')
  rivoli = { id: rivoliId, gid: globalId('Store', rivoliId) }
  oberkampf = { id: oberkampfId, gid: globalId('Store', oberkampfId) }
  const row = await testDb.db
    .selectFrom('variant')
    .select(['id', 'price_minor'])
    .where('active', '=', true)
    .orderBy('sku')
    .executeTakeFirstOrThrow()
  variant = { id: row.id, gid: globalId('Variant', row.id), base: row.price_minor }
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  rivoliManager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  const signedIn = await api.gql<{ customerSignIn: { accessToken: string } }>(
    'mutation { customerSignIn(input: { email: "alice@comptoir.dev", password: "comptoir-alice" }) { accessToken } }',
  )
  customer = signedIn.data!.customerSignIn.accessToken
})
afterAll(() => testDb.destroy())

describe('priceSet and priceRemove', () => {
  it('lets an admin set the base price and a channel price, each audited with before and after', async () => {
    const base = await setPrice({ amount: variant.base + 100 }, admin)
    expect(base.data!.priceSet).toMatchObject({ variant: { id: variant.gid }, price: null, userErrors: [] })
    expect(await priceOf()).toBe(variant.base + 100)
    expect(await lastAudit()).toMatchObject({
      entity: 'price',
      entity_id: variant.id,
      action: 'BASE_PRICE_SET',
      actor_type: 'STAFF',
      channel: 'BACK_OFFICE',
      before: { variantId: variant.id, amountMinor: variant.base },
      after: { variantId: variant.id, amountMinor: variant.base + 100 },
    })

    const app = await setPrice({ amount: 555, channel: 'APP' }, admin)
    expect(app.data!.priceSet.price).toMatchObject({ amountMinor: 555, channel: 'APP' })
    expect(await priceOf({ channel: 'APP' })).toBe(555)
    expect(await priceOf({ channel: 'WEB' })).toBe(variant.base + 100)

    // The same scope and window again changes that override instead of adding one.
    const before = await changeCounts()
    const again = await setPrice({ amount: 545, channel: 'APP' }, admin)
    expect(again.data!.priceSet.price!.id).toBe(app.data!.priceSet.price!.id)
    expect((await changeCounts()).overrides).toBe(before.overrides)
    expect(await lastAudit()).toMatchObject({
      action: 'PRICE_SET',
      before: { amountMinor: 555, channel: 'APP', storeId: null },
      after: { amountMinor: 545, channel: 'APP', storeId: null },
    })
  })

  it('lets a manager set and remove prices of their own store only, never base or channel-only ones', async () => {
    const own = await setPrice({ amount: 700, storeId: rivoli.gid }, rivoliManager)
    expect(own.data!.priceSet.userErrors).toEqual([])
    const ownPos = await setPrice({ amount: 650, storeId: rivoli.gid, channel: 'POS' }, rivoliManager)
    expect(ownPos.data!.priceSet.userErrors).toEqual([])
    expect(await priceOf({ storeId: rivoli.gid, channel: 'WEB' })).toBe(700)
    expect(await priceOf({ storeId: rivoli.gid, channel: 'POS' })).toBe(650)

    const before = await changeCounts()
    for (const input of [
      { amount: 1, storeId: oberkampf.gid },
      { amount: 1, storeId: oberkampf.gid, channel: 'WEB' },
      { amount: 1 },
      { amount: 1, channel: 'WEB' },
    ]) {
      const refused = await setPrice(input, rivoliManager)
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    }
    const channelOnly = await testDb.db
      .selectFrom('price_override')
      .select('id')
      .where('store_id', 'is', null)
      .executeTakeFirstOrThrow()
    const removeChannelOnly = await api.gql(
      PRICE_REMOVE,
      { input: { priceId: globalId('PriceOverride', channelOnly.id) } },
      { token: rivoliManager },
    )
    expect(removeChannelOnly.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    const foreign = await setPrice({ amount: 900, storeId: oberkampf.gid }, admin)
    const removeForeign = await api.gql(
      PRICE_REMOVE,
      { input: { priceId: foreign.data!.priceSet.price!.id } },
      { token: rivoliManager },
    )
    expect(removeForeign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    const afterRefusals = await changeCounts()
    expect(afterRefusals).toEqual({ ...before, overrides: before.overrides + 1, audits: before.audits + 1 })

    const removed = await api.gql<{ priceRemove: { removedPriceId: string; userErrors: unknown[] } }>(
      PRICE_REMOVE,
      { input: { priceId: ownPos.data!.priceSet.price!.id } },
      { token: rivoliManager },
    )
    expect(removed.data!.priceRemove).toEqual({
      variant: { id: variant.gid },
      removedPriceId: ownPos.data!.priceSet.price!.id,
      userErrors: [],
    })
    expect(await priceOf({ storeId: rivoli.gid, channel: 'POS' })).toBe(700)
    expect(await lastAudit()).toMatchObject({
      action: 'PRICE_REMOVE',
      before: { storeId: rivoli.id, channel: 'POS', amountMinor: 650 },
      after: null,
    })
  })

  it('refuses customers and anonymous callers', async () => {
    const before = await changeCounts()
    expect((await setPrice({ amount: 1 }, customer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect((await setPrice({ amount: 1, storeId: rivoli.gid })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    const overrides = await api.gql(`query($id: ID!) { node(id: $id) { ... on Variant { priceOverrides { id } } } }`, {
      id: variant.gid,
    })
    expect(overrides.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    expect(await changeCounts()).toEqual(before)
  })

  it('answers bad input with a typed error and changes nothing', async () => {
    const before = await changeCounts()
    const unknownId = '00000000-0000-4000-8000-000000000000'
    const cases: [Record<string, unknown>, string, string[] | null][] = [
      [{ amount: 100, variantId: globalId('Variant', unknownId) }, 'UNKNOWN_VARIANT', ['variantId']],
      [{ amount: 100, storeId: globalId('Store', unknownId) }, 'UNKNOWN_STORE', ['storeId']],
      [
        { amount: 100, channel: 'WEB', startsAt: '2027-03-02T00:00:00Z', endsAt: '2027-03-01T00:00:00Z' },
        'INVALID_PRICE_WINDOW',
        ['endsAt'],
      ],
      [
        { amount: 100, channel: 'WEB', startsAt: '2027-03-01T00:00:00Z', endsAt: '2027-03-01T00:00:00Z' },
        'INVALID_PRICE_WINDOW',
        ['endsAt'],
      ],
      [{ amount: 100, startsAt: '2027-03-01T00:00:00Z' }, 'INVALID_PRICE_WINDOW', ['startsAt']],
    ]
    for (const [input, code, field] of cases) {
      const result = await setPrice(input, admin)
      expect(result.data!.priceSet.userErrors, JSON.stringify(input)).toEqual([
        expect.objectContaining({ code, field }),
      ])
    }
    for (const amount of [-1, 100_000_001]) {
      const result = await setPrice({ amount, channel: 'WEB' }, admin)
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    }
    const unknownPrice = await api.gql<{ priceRemove: { userErrors: { code: string }[] } }>(
      PRICE_REMOVE,
      { input: { priceId: globalId('PriceOverride', unknownId) } },
      { token: rivoliManager },
    )
    expect(unknownPrice.data!.priceRemove.userErrors).toEqual([expect.objectContaining({ code: 'UNKNOWN_PRICE' })])
    expect(await changeCounts()).toEqual(before)
  })

  it('starts and stops a scheduled price by itself, and lists overrides for admins', async () => {
    const startsAt = '2027-03-01T08:00:00.000Z'
    const endsAt = '2027-03-08T08:00:00.000Z'
    const sale = await setPrice({ amount: 99, storeId: rivoli.gid, channel: 'KIOSK', startsAt, endsAt }, admin)
    expect(sale.data!.priceSet.price).toMatchObject({ amountMinor: 99, startsAt, endsAt })
    const kiosk = { storeId: rivoli.gid, channel: 'KIOSK' }
    const listing = `query($id: ID!, $storeId: ID) { node(id: $id) { ... on Product {
      priceRange(storeId: $storeId, channel: KIOSK) { min { amountMinor } max { amountMinor } } } } }`
    const productId = await testDb.db
      .selectFrom('variant')
      .select('product_id')
      .where('id', '=', variant.id)
      .executeTakeFirstOrThrow()
    const rangeMin = async () => {
      const result = await api.gql<{ node: { priceRange: { min: { amountMinor: number } } } }>(listing, {
        id: globalId('Product', productId.product_id),
        storeId: rivoli.gid,
      })
      return result.data!.node.priceRange.min.amountMinor
    }

    clock = new Date(new Date(startsAt).getTime() - 1)
    expect(await priceOf(kiosk)).toBe(700)
    clock = new Date(startsAt)
    expect(await priceOf(kiosk)).toBe(99)
    expect(await rangeMin()).toBe(99)
    clock = new Date(new Date(endsAt).getTime() - 1)
    expect(await priceOf(kiosk)).toBe(99)
    clock = new Date(endsAt)
    expect(await priceOf(kiosk)).toBe(700)
    expect(await rangeMin()).toBeGreaterThan(99)

    const overrides = await api.gql<{ node: { priceOverrides: { amountMinor: number; channel: string | null }[] } }>(
      `query($id: ID!) { node(id: $id) { ... on Variant { priceOverrides { amountMinor channel } } } }`,
      { id: variant.gid },
      { token: admin },
    )
    expect(overrides.data!.node.priceOverrides).toEqual(
      expect.arrayContaining([
        { amountMinor: 545, channel: 'APP' },
        { amountMinor: 99, channel: 'KIOSK' },
      ]),
    )
    const asManager = await api.gql(
      `query($id: ID!) { node(id: $id) { ... on Variant { priceOverrides { amountMinor } } } }`,
      { id: variant.gid },
      { token: rivoliManager },
    )
    expect(asManager.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
  })

  it('prices for the caller when not told: a terminal at its store and POS, anyone else WEB with no store', async () => {
    clock = new Date('2027-02-01T12:00:00.000Z')
    const registered = await api.gql<{ posTerminalRegister: { terminalKey: string } }>(
      'mutation($input: PosTerminalRegisterInput!) { posTerminalRegister(input: $input) { terminalKey } }',
      { input: { storeId: rivoli.gid, label: 'Price till' } },
      { token: rivoliManager },
    )
    const till = registered.data!.posTerminalRegister.terminalKey
    await setPrice({ amount: 640, storeId: rivoli.gid, channel: 'POS' }, admin)
    expect(await priceOf({}, till)).toBe(640)
    expect(await priceOf({})).toBe(variant.base + 100)
    // The tax shown is the share of the price shown, in the same context.
    const taxed = await api.gql<{ node: { taxAmount: { amountMinor: number } } }>(
      `query($id: ID!, $storeId: ID) { node(id: $id) { ... on Variant { taxAmount(storeId: $storeId, channel: POS) { amountMinor } } } }`,
      { id: variant.gid, storeId: rivoli.gid },
    )
    const { tax_rate_bp } = await testDb.db
      .selectFrom('variant')
      .select('tax_rate_bp')
      .where('id', '=', variant.id)
      .executeTakeFirstOrThrow()
    expect(taxed.data!.node.taxAmount.amountMinor).toBe(includedTaxMinor(640, tax_rate_bp))
    const unknownStore = await api.gql(PRICE, {
      id: variant.gid,
      storeId: globalId('Store', '00000000-0000-4000-8000-000000000000'),
    })
    expect(unknownStore.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
  })
})
