import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { auditEntries, countRows, levelOf, movementsOf, signInAssociate, signUpCustomer } from '../fixtures/stock.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let rivoli: string
let bellecour: string
let v1: string
let v2: string
let rivoliManager: string
let bellecourManager: string
let admin: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  rivoli = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  bellecour = await storeIdByCode(testDb.db, 'LYO-BELLECOUR')
  const variants = await testDb.db
    .selectFrom('variant')
    .select('id')
    .where('active', '=', true)
    .orderBy('sku')
    .limit(2)
    .execute()
  ;[v1, v2] = variants.map((variant) => variant.id) as [string, string]
  rivoliManager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  bellecourManager = await api.signInStaff('manager.lyo-bellecour@comptoir.dev')
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
})
afterAll(() => testDb.destroy())

beforeEach(async () => {
  await setLevel(testDb.db, rivoli, v1, { on_hand: 10, reserved: 2 })
  await setLevel(testDb.db, rivoli, v2, { on_hand: 5 })
  await setLevel(testDb.db, bellecour, v1, { on_hand: 1 })
  await setLevel(testDb.db, bellecour, v2, { on_hand: 0 })
})

const TRANSFER = `transfer { id status lines { variant { id } quantity shipped received } }
  userErrors { code field message }`
const CREATE = `mutation($input: StockTransferCreateInput!) { stockTransferCreate(input: $input) { ${TRANSFER} } }`
const SHIP = `mutation($input: StockTransferShipInput!) { stockTransferShip(input: $input) { ${TRANSFER} } }`
const RECEIVE = `mutation($input: StockTransferReceiveInput!) { stockTransferReceive(input: $input) { ${TRANSFER} } }`
const CANCEL = `mutation($input: StockTransferCancelInput!) { stockTransferCancel(input: $input) { ${TRANSFER} } }`
const LEVEL = `query($storeId: ID!, $variantId: ID!) { inventoryLevel(storeId: $storeId, variantId: $variantId) { onHand inTransit } }`

interface TransferResult {
  transfer: {
    id: string
    status: string
    lines: { variant: { id: string }; quantity: number; shipped: number | null; received: number | null }[]
  } | null
  userErrors: { code: string; field: string[] | null; message: string }[]
}

const line = (variantId: string, quantity: number) => ({ variantId: globalId('Variant', variantId), quantity })

async function step(query: string, name: string, input: Record<string, unknown>, token: string) {
  const result = await api.gql<Record<string, TransferResult>>(query, { input }, { token })
  return { result: result.data?.[name], errors: result.errors }
}

async function createTransfer(lines: { variantId: string; quantity: number }[], token = rivoliManager) {
  const { result } = await step(
    CREATE,
    'stockTransferCreate',
    { fromStoreId: globalId('Store', rivoli), toStoreId: globalId('Store', bellecour), lines },
    token,
  )
  expect(result?.userErrors).toEqual([])
  return result!.transfer!.id
}

const ship = (transferId: string, token = rivoliManager, lines?: { variantId: string; quantity: number }[]) =>
  step(SHIP, 'stockTransferShip', { transferId, lines }, token)
const receive = (transferId: string, lines: { variantId: string; quantity: number }[], token = bellecourManager) =>
  step(RECEIVE, 'stockTransferReceive', { transferId, lines }, token)

async function inTransitAt(storeId: string, variantId: string, token: string) {
  const result = await api.gql<{ inventoryLevel: { onHand: number; inTransit: number } }>(
    LEVEL,
    { storeId: globalId('Store', storeId), variantId: globalId('Variant', variantId) },
    { token },
  )
  return result.data!.inventoryLevel
}

const rawId = (gid: string) => Buffer.from(gid, 'base64').toString().split(':')[1]!

describe('a transfer between two stores', () => {
  it('moves stock out of one store and into the other, with ledger rows on both sides and in-transit visible', async () => {
    const transferId = await createTransfer([line(v1, 4), line(v2, 3)])
    expect(await levelOf(testDb.db, rivoli, v1)).toMatchObject({ on_hand: 10 })

    const shipped = await ship(transferId)
    expect(shipped.result?.userErrors).toEqual([])
    expect(shipped.result?.transfer?.status).toBe('SHIPPED')
    expect(await levelOf(testDb.db, rivoli, v1)).toMatchObject({ on_hand: 6, reserved: 2 })
    expect(await levelOf(testDb.db, rivoli, v2)).toMatchObject({ on_hand: 2 })
    const out = await movementsOf(testDb.db, rivoli, v1)
    expect(out.at(-1)).toMatchObject({ reason: 'TRANSFER_OUT', on_hand_delta: -4, transfer_id: rawId(transferId) })
    expect(await inTransitAt(bellecour, v1, bellecourManager)).toEqual({ onHand: 1, inTransit: 4 })
    expect(await inTransitAt(bellecour, v2, bellecourManager)).toEqual({ onHand: 0, inTransit: 3 })

    const received = await receive(transferId, [line(v1, 4), line(v2, 3)])
    expect(received.result?.userErrors).toEqual([])
    expect(received.result?.transfer).toMatchObject({
      status: 'RECEIVED',
      lines: expect.arrayContaining([expect.objectContaining({ quantity: 4, shipped: 4, received: 4 })]),
    })
    expect(await inTransitAt(bellecour, v1, bellecourManager)).toEqual({ onHand: 5, inTransit: 0 })
    expect(await levelOf(testDb.db, bellecour, v2)).toMatchObject({ on_hand: 3 })
    const into = await movementsOf(testDb.db, bellecour, v2)
    expect(into).toEqual([
      expect.objectContaining({
        reason: 'TRANSFER_IN',
        on_hand_delta: 3,
        transfer_id: rawId(transferId),
        actor_type: 'STAFF',
      }),
    ])

    const audit = await auditEntries(testDb.db, 'stock_transfer', rawId(transferId))
    expect(audit.map((entry) => entry.action)).toEqual(['CREATE', 'SHIP', 'RECEIVE'])
    expect(audit[2]).toMatchObject({
      channel: 'BACK_OFFICE',
      before: { status: 'SHIPPED' },
      after: { status: 'RECEIVED' },
    })
    const events = await testDb.db
      .selectFrom('outbox_event')
      .select('type')
      .where('aggregate_id', '=', rawId(transferId))
      .orderBy('id')
      .execute()
    expect(events.map((event) => event.type)).toEqual([
      'stock_transfer.created',
      'stock_transfer.shipped',
      'stock_transfer.received',
    ])
  })

  it('books a short receipt as TRANSFER_IN of what shipped and TRANSFER_LOSS of what did not arrive', async () => {
    const transferId = await createTransfer([line(v1, 5), line(v2, 2)])
    await ship(transferId, rivoliManager, [line(v1, 3), line(v2, 0)])
    expect(await levelOf(testDb.db, rivoli, v2)).toMatchObject({ on_hand: 5 })
    const received = await receive(transferId, [line(v1, 2)])
    expect(received.result?.userErrors).toEqual([])
    expect(received.result?.transfer?.lines).toEqual(
      expect.arrayContaining([
        { variant: { id: globalId('Variant', v1) }, quantity: 5, shipped: 3, received: 2 },
        { variant: { id: globalId('Variant', v2) }, quantity: 2, shipped: 0, received: 0 },
      ]),
    )
    expect(await levelOf(testDb.db, bellecour, v1)).toMatchObject({ on_hand: 3 })
    const rows = (await movementsOf(testDb.db, bellecour, v1)).filter((row) => row.transfer_id === rawId(transferId))
    expect(rows.map((row) => [row.reason, row.on_hand_delta])).toEqual([
      ['TRANSFER_IN', 3],
      ['TRANSFER_LOSS', -1],
    ])
  })

  it('refuses steps out of order, unknown transfers and a transfer to the same store, changing nothing', async () => {
    const transferId = await createTransfer([line(v1, 1)])
    expect((await receive(transferId, [line(v1, 1)])).result?.userErrors[0]?.code).toBe('INVALID_TRANSFER_STATE')
    expect((await ship(transferId)).result?.userErrors).toEqual([])
    expect((await ship(transferId)).result?.userErrors[0]?.code).toBe('INVALID_TRANSFER_STATE')
    const cancel = await step(CANCEL, 'stockTransferCancel', { transferId }, rivoliManager)
    expect(cancel.result?.userErrors[0]).toMatchObject({ code: 'INVALID_TRANSFER_STATE', field: ['transferId'] })

    const other = await createTransfer([line(v2, 1)])
    const cancelled = await step(CANCEL, 'stockTransferCancel', { transferId: other }, rivoliManager)
    expect(cancelled.result?.transfer?.status).toBe('CANCELLED')
    expect((await ship(other)).result?.userErrors[0]?.code).toBe('INVALID_TRANSFER_STATE')
    expect(await levelOf(testDb.db, rivoli, v2)).toMatchObject({ on_hand: 5 })

    const unknown = await ship(globalId('StockTransfer', randomUUID()), admin)
    expect(unknown.result?.userErrors).toEqual([
      { code: 'UNKNOWN_TRANSFER', field: ['transferId'], message: 'No transfer has this ID.' },
    ])
    const same = await step(
      CREATE,
      'stockTransferCreate',
      { fromStoreId: globalId('Store', rivoli), toStoreId: globalId('Store', rivoli), lines: [line(v1, 1)] },
      rivoliManager,
    )
    expect(same.result?.userErrors[0]?.code).toBe('SAME_STORE')
  })

  it('ships only units not promised to orders, all lines or none', async () => {
    const transferId = await createTransfer([line(v1, 9), line(v2, 1)])
    const before = await countRows(testDb.db, 'stock_movement')
    const refused = await ship(transferId)
    // Shipped without lines, a short line is named by its place in the transfer's lines (variant order).
    const place = String([v1, v2].sort().indexOf(v1))
    expect(refused.result?.userErrors).toEqual([
      expect.objectContaining({ code: 'INSUFFICIENT_STOCK', field: ['lines', place] }),
    ])
    expect(await levelOf(testDb.db, rivoli, v1)).toMatchObject({ on_hand: 10, reserved: 2 })
    expect(await levelOf(testDb.db, rivoli, v2)).toMatchObject({ on_hand: 5 })
    expect(await countRows(testDb.db, 'stock_movement')).toBe(before)
    const [row] = await testDb.db
      .selectFrom('stock_transfer')
      .select('status')
      .where('id', '=', rawId(transferId))
      .execute()
    expect(row?.status).toBe('CREATED')
  })

  it('ships a transfer once when two ship requests race', async () => {
    const transferId = await createTransfer([line(v1, 3)])
    const results = await Promise.all([ship(transferId), ship(transferId, admin)])
    const codes = results.map((result) => result.result?.userErrors.map((error) => error.code) ?? ['?']).sort()
    expect(codes).toEqual([[], ['INVALID_TRANSFER_STATE']])
    expect(await levelOf(testDb.db, rivoli, v1)).toMatchObject({ on_hand: 7 })
    const out = (await movementsOf(testDb.db, rivoli, v1)).filter((row) => row.transfer_id === rawId(transferId))
    expect(out).toHaveLength(1)
  })

  it('answers bad lines with typed errors and changes nothing', async () => {
    const transferId = await createTransfer([line(v1, 2), line(v2, 2)])
    const overShipped = await ship(transferId, rivoliManager, [line(v1, 3), line(v2, 2)])
    expect(overShipped.result?.userErrors).toEqual([
      expect.objectContaining({ code: 'QUANTITY_LIMIT', field: ['lines', '0', 'quantity'] }),
    ])
    const missing = await ship(transferId, rivoliManager, [line(v1, 1)])
    expect(missing.result?.userErrors.map((error) => error.code)).toEqual(['MISSING_LINE'])
    const nothing = await ship(transferId, rivoliManager, [line(v1, 0), line(v2, 0)])
    expect(nothing.result?.userErrors.map((error) => error.code)).toEqual(['QUANTITY_LIMIT'])
    expect((await ship(transferId)).result?.userErrors).toEqual([])

    const before = await countRows(testDb.db, 'stock_movement')
    const foreign = await randomVariant()
    const bad = await receive(transferId, [line(v1, 3), line(foreign, 1)])
    expect(bad.result?.userErrors.map((error) => [error.code, error.field])).toEqual([
      ['QUANTITY_LIMIT', ['lines', '0', 'quantity']],
      ['UNKNOWN_LINE', ['lines', '1', 'variantId']],
      ['MISSING_LINE', ['lines']],
    ])
    const twice = await receive(transferId, [line(v1, 1), line(v1, 1), line(v2, 2)])
    expect(twice.result?.userErrors.map((error) => error.code)).toEqual(['DUPLICATE_LINE'])
    const zero = await step(
      CREATE,
      'stockTransferCreate',
      { fromStoreId: globalId('Store', rivoli), toStoreId: globalId('Store', bellecour), lines: [line(v1, 0)] },
      rivoliManager,
    )
    expect(zero.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    expect(await countRows(testDb.db, 'stock_movement')).toBe(before)
    expect(await levelOf(testDb.db, bellecour, v1)).toMatchObject({ on_hand: 1 })
  })
})

async function randomVariant(): Promise<string> {
  const row = await testDb.db
    .selectFrom('variant')
    .select('id')
    .where('active', '=', true)
    .where('id', 'not in', [v1, v2])
    .orderBy('sku')
    .executeTakeFirstOrThrow()
  return row.id
}

describe('who may move stock between stores', () => {
  it('lets the source manager create and ship, the destination manager receive, and refuses everyone else', async () => {
    const transferId = await createTransfer([line(v1, 1)])
    const input = {
      fromStoreId: globalId('Store', rivoli),
      toStoreId: globalId('Store', bellecour),
      lines: [line(v1, 1)],
    }
    const associate = await signInAssociate(api, testDb.db, rivoli, 'associate.transfers@comptoir.dev')
    const customer = await signUpCustomer(api, 'shopper.transfers@comptoir.dev')

    expect((await step(CREATE, 'stockTransferCreate', input, bellecourManager)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    )
    expect((await step(CREATE, 'stockTransferCreate', input, associate)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    )
    expect((await step(CREATE, 'stockTransferCreate', input, customer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    const anonymous = await api.gql(CREATE, { input })
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')

    expect((await ship(transferId, bellecourManager)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect((await ship(transferId, associate)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect((await ship(transferId, customer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect((await ship(transferId)).result?.userErrors).toEqual([])
    expect((await receive(transferId, [line(v1, 1)], rivoliManager)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect((await receive(transferId, [line(v1, 1)], admin)).result?.userErrors).toEqual([])

    const read = `query($id: ID!) { node(id: $id) { ... on StockTransfer { status } } }`
    expect((await api.gql(read, { id: transferId }, { token: bellecourManager })).data).toEqual({
      node: { status: 'RECEIVED' },
    })
    const lyonOther = await api.signInStaff('manager.lyo-part-dieu@comptoir.dev')
    expect((await api.gql(read, { id: transferId }, { token: lyonOther })).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    )
  })
})

describe('a store’s transfers', () => {
  const LIST = `query($storeId: ID!, $direction: StockTransferDirection, $status: StockTransferStatus, $first: Int, $after: String) {
    stockTransfers(storeId: $storeId, direction: $direction, status: $status, first: $first, after: $after) {
      edges { node { id status fromStore { code } } }
      pageInfo { hasNextPage endCursor }
    }
  }`
  interface ListResult {
    stockTransfers: {
      edges: { node: { id: string; status: string; fromStore: { code: string } } }[]
      pageInfo: { hasNextPage: boolean; endCursor: string | null }
    }
  }
  let rennes: string
  let rennesManager: string
  const list = (variables: Record<string, unknown>, token = rennesManager) =>
    api.gql<ListResult>(LIST, { storeId: globalId('Store', rennes), ...variables }, { token })
  // A destination no other test sends to, so that the list holds only this test's transfers.
  async function createToRennes(variantId: string) {
    const { result } = await step(
      CREATE,
      'stockTransferCreate',
      { fromStoreId: globalId('Store', rivoli), toStoreId: globalId('Store', rennes), lines: [line(variantId, 1)] },
      rivoliManager,
    )
    return result!.transfer!.id
  }

  it('lists inbound and outbound transfers newest first, by page, filtered by status', async () => {
    rennes = await storeIdByCode(testDb.db, 'PAR-RENNES')
    rennesManager = await api.signInStaff('manager.par-rennes@comptoir.dev')
    const first = await createToRennes(v1)
    const second = await createToRennes(v1)
    const third = await createToRennes(v2)
    await ship(second)

    const page1 = (await list({ direction: 'INBOUND', first: 2 })).data!.stockTransfers
    expect(page1.edges.map((edge) => edge.node.id)).toEqual([third, second])
    expect(page1.pageInfo.hasNextPage).toBe(true)
    const page2 = (await list({ direction: 'INBOUND', first: 2, after: page1.pageInfo.endCursor })).data!.stockTransfers
    expect(page2.edges.map((edge) => edge.node.id)).toEqual([first])
    expect(page2.pageInfo.hasNextPage).toBe(false)

    const shipped = (await list({ status: 'SHIPPED' })).data!.stockTransfers
    expect(shipped.edges.map((edge) => [edge.node.id, edge.node.fromStore.code])).toEqual([[second, 'PAR-RIVOLI']])
    expect((await list({ direction: 'OUTBOUND' })).data!.stockTransfers.edges).toEqual([])

    expect((await list({ after: 'nope' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const lyonOther = await api.signInStaff('manager.lyo-part-dieu@comptoir.dev')
    expect((await list({}, lyonOther)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
  })
})
