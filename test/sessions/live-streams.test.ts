import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAccessTokenIssuer } from '../../src/auth/access-token.js'
import { whileAuthorized } from '../../src/graphql/authorized-stream.js'
import type { GraphQLContext } from '../../src/graphql/context.js'
import { createLogger } from '../../src/logger.js'
import { createOutboxDispatcher, type OutboxDispatcher } from '../../src/modules/events/outbox-dispatcher.js'
import { createAppPubSub } from '../../src/modules/events/pubsub.js'
import { viewerOfCredential } from '../../src/modules/sessions/credential.js'
import { globalId, storeIdByCode } from '../fixtures/ids.js'
import { placeOrder, type StockedStore, stockedStore } from '../fixtures/orders.js'
import { type LiveServer, type SseSubscription, startLiveServer } from '../helpers/http-server.js'
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let live: LiveServer
let dispatcher: OutboxDispatcher
let store: StockedStore

beforeAll(async () => {
  testDb = await createTestDb()
  store = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 100 })
  const pubsub = createAppPubSub()
  api = createTestApp(testDb, { pubsub })
  dispatcher = createOutboxDispatcher({ db: testDb.db, pubsub, logger: createLogger('silent'), pollIntervalMs: 100 })
  dispatcher.start()
  live = await startLiveServer(api)
})
afterAll(async () => {
  await live.close()
  await dispatcher.stop()
  await testDb.destroy()
})

interface QueueEvent {
  data?: { storeQueueUpdated: { id: string } } | null
  errors?: { extensions?: { code?: string } }[]
}

const QUEUE = 'subscription($storeId: ID!) { storeQueueUpdated(storeId: $storeId) { id } }'

function watchQueue(headers: Record<string, string>, server: LiveServer = live, storeGid = store.storeGid) {
  return server.subscribe<QueueEvent>(QUEUE, { storeId: storeGid }, headers)
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

async function newOrderId(): Promise<string> {
  const { result } = await placeOrder(api, {
    storeGid: store.storeGid,
    lines: [{ variantId: store.variantGid, quantity: 1 }],
  })
  if (!result.order) throw new Error(`checkout failed: ${JSON.stringify(result)}`)
  return result.order.id
}

/** The next order the stream announces, skipping those placed by earlier tests. */
async function nextOrderOn(stream: SseSubscription<QueueEvent>, orderId: string): Promise<QueueEvent> {
  for (;;) {
    const event = await stream.next()
    if (event.errors || event.data?.storeQueueUpdated.id === orderId) return event
  }
}

/** Resolves with how the stream ended, or with the first order it still announced. */
async function endOf(stream: SseSubscription<QueueEvent>, timeoutMs = 5000): Promise<string> {
  try {
    const event = await stream.next(timeoutMs)
    return `announced ${JSON.stringify(event)}`
  } catch (error) {
    return (error as Error).message
  }
}

describe('subscriptions are authorised when they start', () => {
  it("refuses an anonymous caller's store queue at once, before any order is placed", async () => {
    const stream = await watchQueue({})
    const first = await stream.next()
    expect(first.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    expect(first.data ?? null).toBeNull()
    expect(await endOf(stream)).toBe('the event stream ended')
  })

  it("refuses another store's manager and a customer", async () => {
    const manager = await api.signInStaff('manager.lyo-bellecour@comptoir.dev')
    const signIn = await api.gql<{ customerSignIn: { accessToken: string } }>(
      'mutation { customerSignIn(input: { email: "alice@comptoir.dev", password: "comptoir-alice" }) { accessToken } }',
    )
    for (const token of [manager, signIn.data?.customerSignIn.accessToken ?? '']) {
      const stream = await watchQueue(bearer(token))
      expect((await stream.next()).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
      expect(await endOf(stream)).toBe('the event stream ended')
    }
  })
})

describe('subscriptions end when their credential stops holding', () => {
  it('ends the streams of a signed-out session, a deactivated member and a revoked terminal; others go on', async () => {
    const admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
    const adminSignIn = await api.gql<{ staffSignIn: { accessToken: string; refreshToken: string } }>(
      'mutation { staffSignIn(input: { email: "admin@comptoir.dev", password: "comptoir-admin" }) { accessToken refreshToken } }',
    )
    const signingOut = adminSignIn.data?.staffSignIn
    const manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
    const registered = await api.gql<{ posTerminalRegister: { terminal: { id: string }; terminalKey: string } }>(
      'mutation($input: PosTerminalRegisterInput!) { posTerminalRegister(input: $input) { terminal { id } terminalKey } }',
      { input: { storeId: store.storeGid, label: 'till 1' } },
      { token: manager },
    )
    const terminal = registered.data?.posTerminalRegister
    if (!signingOut || !terminal) throw new Error('setup failed')

    const streams = {
      control: await watchQueue(bearer(admin)),
      signedOut: await watchQueue(bearer(signingOut.accessToken)),
      deactivated: await watchQueue(bearer(manager)),
      revoked: await watchQueue(bearer(terminal.terminalKey)),
    }
    const before = await newOrderId()
    for (const stream of Object.values(streams)) {
      expect((await nextOrderOn(stream, before)).data?.storeQueueUpdated.id).toBe(before)
    }

    await api.gql('mutation($input: StaffSignOutInput!) { staffSignOut(input: $input) { signedOut } }', {
      input: { refreshToken: signingOut.refreshToken },
    })
    const managerRow = await testDb.db
      .selectFrom('staff')
      .select('id')
      .where('email', '=', 'manager.par-rivoli@comptoir.dev')
      .executeTakeFirstOrThrow()
    const deactivated = await api.gql<{ staffDeactivate: { userErrors: unknown[] } }>(
      'mutation($input: StaffDeactivateInput!) { staffDeactivate(input: $input) { userErrors { code } } }',
      { input: { staffId: globalId('Staff', managerRow.id) } },
      { token: admin },
    )
    expect(deactivated.data?.staffDeactivate.userErrors).toEqual([])
    await api.gql(
      'mutation($input: PosTerminalRevokeInput!) { posTerminalRevoke(input: $input) { userErrors { code } } }',
      { input: { terminalId: terminal.terminal.id } },
      { token: admin },
    )
    const after = await newOrderId()

    expect((await nextOrderOn(streams.control, after)).data?.storeQueueUpdated.id).toBe(after)
    expect(await endOf(streams.signedOut)).toBe('the event stream ended')
    expect(await endOf(streams.deactivated)).toBe('the event stream ended')
    expect(await endOf(streams.revoked)).toBe('the event stream ended')
    // No mutation brings a member back: later tests need this one active again.
    await testDb.db
      .updateTable('staff')
      .set({ active: true })
      .where('email', '=', 'manager.par-rivoli@comptoir.dev')
      .execute()
    streams.control.close()
  })

  it('ends an idle stream of a revoked terminal at its next periodic check, with no event needed', async () => {
    const manager = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
    const registered = await api.gql<{ posTerminalRegister: { terminal: { id: string }; terminalKey: string } }>(
      'mutation($input: PosTerminalRegisterInput!) { posTerminalRegister(input: $input) { terminal { id } terminalKey } }',
      { input: { storeId: store.storeGid, label: 'till 2' } },
      { token: manager },
    )
    const terminal = registered.data?.posTerminalRegister
    if (!terminal) throw new Error('setup failed')
    const credential = { kind: 'terminal-key' as const, key: terminal.terminalKey }
    const context = { db: testDb.db, credential, viewer: await viewerOfCredential(testDb.db, credential) }
    const quiet = createAppPubSub().subscribe('store:queue', store.storeId)
    const stream = whileAuthorized(context as unknown as GraphQLContext, quiet, () => true, { recheckMs: 50 })
    const ended = stream.next()
    await api.gql(
      'mutation($input: PosTerminalRevokeInput!) { posTerminalRevoke(input: $input) { userErrors { code } } }',
      { input: { terminalId: terminal.terminal.id } },
      { token: manager },
    )
    expect(await ended).toEqual({ done: true, value: undefined })
  })

  it('ends a stream when its access token expires, with no event needed', async () => {
    // Lifetimes a server refuses (seconds), so that the test sees the token run out.
    const shortLived = createTestApp(testDb, {
      accessTokens: createAccessTokenIssuer(TEST_JWT_SECRET, { accessTokenTtlMinutes: 2 / 60, refreshTokenTtlDays: 1 }),
    })
    const server = await startLiveServer(shortLived)
    try {
      const token = await shortLived.signInStaff('admin@comptoir.dev', 'comptoir-admin')
      const stream = await watchQueue(
        bearer(token),
        server,
        globalId('Store', await storeIdByCode(testDb.db, 'PAR-RENNES')),
      )
      expect(await endOf(stream, 10_000)).toBe('the event stream ended')
    } finally {
      await server.close()
    }
  })
})
