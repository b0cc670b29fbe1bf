import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { globalId, storeIdByCode } from '../fixtures/ids.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-12-06T10:00:00Z')
let testDb: TestDb
let api: TestApp
let rivoli: { id: string; gid: string }
let bellecour: { id: string; gid: string }
let admin: string
let rivoliManager: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  const rivoliId = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  const bellecourId = await storeIdByCode(testDb.db, 'LYO-BELLECOUR')
  rivoli = { id: rivoliId, gid: globalId('Store', rivoliId) }
  bellecour = { id: bellecourId, gid: globalId('Store', bellecourId) }
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  rivoliManager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
})
afterAll(() => testDb.destroy())

const CREATE = `mutation($input: GiftCardCreateInput!) {
  giftCardCreate(input: $input) {
    code
    giftCard { id lastCharacters balance { amountMinor currencyCode } initialAmount { amountMinor }
               issuedAtStore { code } issuedChannel movements { kind amount { amountMinor } } }
    userErrors { code field }
  }
}`
const BALANCE = `query($code: String!) { giftCardBalance(code: $code) { balance { amountMinor currencyCode } expired expiresAt } }`

interface Created {
  giftCardCreate: {
    code: string | null
    giftCard: {
      id: string
      lastCharacters: string
      balance: { amountMinor: number; currencyCode: string }
      initialAmount: { amountMinor: number }
      issuedAtStore: { code: string } | null
      issuedChannel: string
      movements: { kind: string; amount: { amountMinor: number } }[]
    } | null
    userErrors: { code: string; field: string[] | null }[]
  }
}

function create(token: string, input: Record<string, unknown>) {
  return api.gql<Created>(CREATE, { input: { currencyCode: 'EUR', ...input } }, { token })
}

// app.request has no socket: every call counts against one client address, as one guesser's would.
function balanceOf(code: string) {
  return api.gql<{ giftCardBalance: { balance: { amountMinor: number }; expired: boolean } | null }>(BALANCE, {
    code,
  })
}

describe('gift cards', () => {
  it('are issued by staff of a store with a code shown once and only its hash stored', async () => {
    const result = await create(rivoliManager, { amount: 5000, storeId: rivoli.gid })
    const { code, giftCard, userErrors } = result.data!.giftCardCreate
    expect(userErrors).toEqual([])
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/)
    expect(giftCard).toMatchObject({
      balance: { amountMinor: 5000, currencyCode: 'EUR' },
      initialAmount: { amountMinor: 5000 },
      issuedAtStore: { code: 'PAR-RIVOLI' },
      issuedChannel: 'BACK_OFFICE',
      movements: [{ kind: 'ISSUE', amount: { amountMinor: 5000 } }],
      lastCharacters: code!.slice(-4),
    })
    const compact = code!.replaceAll('-', '')
    const rows = await testDb.db.selectFrom('gift_card').selectAll().execute()
    for (const row of rows) expect(JSON.stringify(row)).not.toContain(compact)
    const audit = await testDb.db.selectFrom('audit_entry').selectAll().where('entity', '=', 'gift_card').execute()
    expect(audit).toHaveLength(1)
    expect(JSON.stringify(audit)).not.toContain(compact)
    const events = await testDb.db
      .selectFrom('outbox_event')
      .select('type')
      .where('type', '=', 'gift_card.issued')
      .execute()
    expect(events).toHaveLength(1)

    // The code reads back however it is typed: lower case, spaces for dashes, O for zero.
    const typed = code!.toLowerCase().replaceAll('-', ' ').replaceAll('0', 'o')
    const read = await balanceOf(typed)
    expect(read.errors).toBeUndefined()
    expect(read.data!.giftCardBalance).toMatchObject({ balance: { amountMinor: 5000 }, expired: false })
  })

  it('are refused to staff of other stores and to anonymous callers; only admins issue cards of no store', async () => {
    const otherStore = await create(rivoliManager, { amount: 1000, storeId: bellecour.gid })
    expect(otherStore.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    // The manager of one store issues for it without naming it; an admin has no store of their own.
    expect((await create(rivoliManager, { amount: 1000 })).data!.giftCardCreate.giftCard?.issuedAtStore).toEqual({
      code: 'PAR-RIVOLI',
    })
    const noStore = await create(admin, { amount: 1000 })
    expect(noStore.data!.giftCardCreate.giftCard?.issuedAtStore).toBeNull()
    const anonymous = await api.gql(CREATE, { input: { amount: 1000, currencyCode: 'EUR' } })
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
  })

  it('refuse bad input with typed errors and change nothing', async () => {
    const before = await testDb.db
      .selectFrom('gift_card')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    const past = await create(admin, { amount: 1000, expiresAt: '2026-12-01T00:00:00Z' })
    expect(past.data!.giftCardCreate.userErrors).toEqual([{ code: 'GIFT_CARD_EXPIRY_IN_PAST', field: ['expiresAt'] }])
    const currency = await create(admin, { amount: 1000, currencyCode: 'USD', storeId: rivoli.gid })
    expect(currency.data!.giftCardCreate.userErrors).toEqual([
      { code: 'GIFT_CARD_CURRENCY_MISMATCH', field: ['currencyCode'] },
    ])
    for (const amount of [0, -5, 100_000_001]) {
      expect((await create(admin, { amount })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    }
    expect((await create(admin, { amount: 100, currencyCode: 'XYZ' })).errors?.[0]?.extensions?.code).toBe(
      'BAD_USER_INPUT',
    )
    const unknownCustomer = await create(admin, {
      amount: 100,
      customerId: globalId('Customer', '00000000-0000-4000-8000-000000000000'),
    })
    expect(unknownCustomer.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    const after = await testDb.db
      .selectFrom('gift_card')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    expect(after.n).toEqual(before.n)
  })

  it('say when they have expired', async () => {
    const { code } = (await create(admin, { amount: 700, expiresAt: '2026-12-06T10:00:01Z' })).data!.giftCardCreate
    await testDb.db
      .updateTable('gift_card')
      .set({ expires_at: new Date('2026-12-06T09:00:00Z') })
      .execute()
    const read = await balanceOf(code!)
    expect(read.data!.giftCardBalance).toMatchObject({ balance: { amountMinor: 700 }, expired: true })
  })

  it('keep the balance equal to the sum of the ledger', async () => {
    const sums = await testDb.db
      .selectFrom('gift_card')
      .innerJoin('gift_card_movement', 'gift_card_movement.gift_card_id', 'gift_card.id')
      .select([
        'gift_card.id',
        'gift_card.balance_minor',
        (eb) => eb.fn.sum<string>('gift_card_movement.amount_minor').as('sum'),
      ])
      .groupBy(['gift_card.id', 'gift_card.balance_minor'])
      .execute()
    expect(sums.length).toBeGreaterThan(3)
    for (const card of sums) expect(Number(card.sum)).toBe(card.balance_minor)
    await expect(
      testDb.db.updateTable('gift_card').set({ balance_minor: -1 }).where('id', '=', sums[0]!.id).execute(),
    ).rejects.toThrow(/check constraint/)
  })

  it('stop answering a client after ten unknown codes, while a right code costs nothing', async () => {
    const { code } = (await create(admin, { amount: 300 })).data!.giftCardCreate
    for (let i = 0; i < 12; i++) expect((await balanceOf(code!)).data!.giftCardBalance).not.toBeNull()
    const guesses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => balanceOf(`AAAA-BBBB-CCCC-${String(i).padStart(4, '0')}`)),
    )
    expect(guesses.filter((guess) => !guess.errors && guess.data?.giftCardBalance === null)).toHaveLength(10)
    const refused = guesses.filter((guess) => guess.errors?.[0]?.extensions?.code === 'TOO_MANY_ATTEMPTS')
    expect(refused).toHaveLength(10)
    // Even the right code is refused now, so the limit cannot be used to confirm a guess.
    expect((await balanceOf(code!)).errors?.[0]?.extensions?.code).toBe('TOO_MANY_ATTEMPTS')
  })
})

describe('gift card adjustments', () => {
  const ADJUST = `mutation($input: GiftCardAdjustInput!) {
    giftCardAdjust(input: $input) { giftCard { balance { amountMinor } movements { kind amount { amountMinor } } } userErrors { code field } }
  }`
  type Adjusted = {
    giftCardAdjust: {
      giftCard: {
        balance: { amountMinor: number }
        movements: { kind: string; amount: { amountMinor: number } }[]
      } | null
      userErrors: { code: string; field: string[] }[]
    }
  }

  it('correct a balance within zero and the issued amount, with a movement, an audit entry and an event', async () => {
    const created = (await create(rivoliManager, { amount: 1000, storeId: rivoli.gid })).data!.giftCardCreate
    const giftCardId = created.giftCard!.id
    const adjust = (amount: number, token = rivoliManager) =>
      api.gql<Adjusted>(ADJUST, { input: { giftCardId, amount, reason: 'sold for the wrong amount' } }, { token })

    const down = (await adjust(-400)).data!.giftCardAdjust
    expect(down.userErrors).toEqual([])
    expect(down.giftCard).toMatchObject({
      balance: { amountMinor: 600 },
      movements: [
        { kind: 'ISSUE', amount: { amountMinor: 1000 } },
        { kind: 'ADJUST', amount: { amountMinor: -400 } },
      ],
    })
    for (const amount of [-601, 401]) {
      expect((await adjust(amount)).data!.giftCardAdjust.userErrors).toEqual([
        { code: 'GIFT_CARD_ADJUSTMENT_OUT_OF_RANGE', field: ['amount'] },
      ])
    }
    expect((await adjust(0)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const bellecourManager = await api.signInStaff('manager.lyo-bellecour@comptoir.dev')
    expect((await adjust(100, bellecourManager)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')

    const card = await testDb.db
      .selectFrom('gift_card')
      .select('balance_minor')
      .where('last_characters', '=', created.giftCard!.lastCharacters)
      .where('initial_amount_minor', '=', 1000)
      .execute()
    expect(card.map((row) => row.balance_minor)).toContain(600)
    const audit = await testDb.db
      .selectFrom('audit_entry')
      .select(['action', 'before', 'after'])
      .where('entity', '=', 'gift_card')
      .where('action', '=', 'ADJUST')
      .execute()
    expect(audit).toEqual([
      {
        action: 'ADJUST',
        before: { balanceMinor: 1000 },
        after: { balanceMinor: 600, reason: 'sold for the wrong amount' },
      },
    ])
    const events = await testDb.db
      .selectFrom('outbox_event')
      .select('type')
      .where('type', '=', 'gift_card.adjusted')
      .execute()
    expect(events).toHaveLength(1)
  })
})
