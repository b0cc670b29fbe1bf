import { type ChildProcess, spawn } from 'node:child_process'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startBackgroundWork } from '../../src/background.js'
import { loadConfig } from '../../src/config.js'
import { createHttpMetrics } from '../../src/http/metrics.js'
import { createLogger } from '../../src/logger.js'
import { createAppPubSub } from '../../src/modules/events/pubsub.js'
import { paymentsFor } from '../../src/modules/payments/payment-setup.js'
import { placeOrder, stockedStore } from '../fixtures/orders.js'
import { testServerUrl } from '../helpers/database-url.js'
import { createTestApp, TEST_WEBHOOK_SECRETS_KEY, type TestApp, testWebhookSecrets } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'
import { within } from '../helpers/within.js'
import { startReceiver } from './receiver.js'
import { createEndpoint, deliveriesOf as deliveriesOfEndpoint, signatureIsValid } from './webhook-harness.js'

// `npm run webhooks` is another process on the same database, and WEBHOOKS_IN_SERVER=false is
// refused without one (the embedded database belongs to the server): those cases need PostgreSQL.
const embedded = testServerUrl() === null
let testDb: TestDb
let api: TestApp
let receiver: Awaited<ReturnType<typeof startReceiver>>
let admin: string
let store: { storeGid: string; variantGid: string }

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  receiver = await startReceiver()
  store = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 100, slotCapacity: 100 })
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
})
afterAll(async () => {
  await receiver.close()
  await testDb.destroy()
})
// Each case counts the deliveries of its own endpoint only.
afterEach(async () => {
  await testDb.db.updateTable('webhook_endpoint').set({ disabled_at: new Date() }).execute()
})

async function placeOneOrder(): Promise<string> {
  const { result } = await placeOrder(api, {
    storeGid: store.storeGid,
    lines: [{ variantId: store.variantGid, quantity: 1 }],
  })
  if (!result.order) throw new Error(`checkout failed: ${JSON.stringify(result)}`)
  return result.order.number
}

const deliveriesOf = (endpointId: string) => deliveriesOfEndpoint(testDb, endpointId)

const hooksAt = (path: string) => receiver.received.filter((hook) => hook.path === path)

/** The server's background work (outbox, notifications) as `npm start` runs it with these variables. */
function startServerBackground(env: Record<string, string>) {
  if (!testDb.url) throw new Error('needs PostgreSQL')
  const server = { NODE_ENV: 'test', DATABASE_URL: testDb.url, PAYMENT_PROVIDER: 'offline', SCHEDULER_ENABLED: 'false' }
  return startBackgroundWork({
    config: loadConfig({ ...server, ...env }),
    db: testDb.db,
    logger: createLogger('silent'),
    pubsub: createAppPubSub(),
    payments: paymentsFor(null),
    metrics: createHttpMetrics({ processMetrics: false }),
    webhookSecrets: testWebhookSecrets,
  })
}

/**
 * src/cli/webhooks.ts on this file's database, as `npm run webhooks` starts it. Never spawnSync:
 * the receiver it sends to answers on this process's event loop.
 */
function startSender(args: string[] = [], env: NodeJS.ProcessEnv = senderEnv()) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/webhooks.ts', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return { child, outcome: outcomeOf(child) }
}

function outcomeOf(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })))
}

function without(env: NodeJS.ProcessEnv, names: string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)))
}

/** No payment provider: the sender needs the database, not the server's secrets. */
function senderEnv(): NodeJS.ProcessEnv {
  if (!testDb.url) throw new Error('needs PostgreSQL')
  const inherited = without(process.env, ['PAYMENT_PROVIDER', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'])
  return {
    ...inherited,
    NODE_ENV: 'production',
    DATABASE_URL: testDb.url,
    LOG_LEVEL: 'info',
    WEBHOOK_POLL_MS: '200',
    WEBHOOK_SECRETS_KEY: TEST_WEBHOOK_SECRETS_KEY,
  }
}

describe('WEBHOOKS_IN_SERVER=false', () => {
  it('`npm run webhooks` refuses the embedded database, which belongs to the server', { timeout: 60_000 }, async () => {
    const inherited = without(process.env, ['DATABASE_URL', 'TEST_DATABASE_URL'])
    const { code, stdout, stderr } = await startSender([], { ...inherited, DATA_DIR: '.data-never-opened' }).outcome
    expect(code).toBe(2)
    expect(stderr).toBe(
      'npm run webhooks needs DATABASE_URL: the embedded database belongs to the server, which sends its webhooks itself.\n',
    )
    expect(stdout).toBe('')
  })

  it.skipIf(embedded)(
    '`npm run webhooks` refuses to start in production without the key that opens the secrets',
    {
      timeout: 60_000,
    },
    async () => {
      const { code, stdout, stderr } = await startSender([], without(senderEnv(), ['WEBHOOK_SECRETS_KEY'])).outcome
      expect(code).not.toBe(0)
      expect(stderr).toContain('WEBHOOK_SECRETS_KEY is required when NODE_ENV=production')
      expect(stdout).not.toContain('webhook sender running')
    },
  )

  it.skipIf(embedded)('the server queues the deliveries in its outbox claim and sends none of them', async () => {
    const endpoint = await createEndpoint(testDb, api, admin, receiver.url('/queued'), ['ORDER_PLACED'])
    const background = startServerBackground({ WEBHOOKS_IN_SERVER: 'false', OUTBOX_POLL_MS: '50' })
    try {
      await placeOneOrder()
      const rows = await within(5_000, async () => {
        const found = await deliveriesOf(endpoint.id)
        return found.length === 1 ? found : undefined
      })
      // Not leased to this process: left for a claim by the sender that runs elsewhere.
      expect(rows).toEqual([{ status: 'PENDING', attempts: 0, claimed_until: null }])
      // In the server a handed-over delivery goes within milliseconds of the claim's commit; a
      // poll of the server's own sender would come within a second.
      await new Promise((resolve) => setTimeout(resolve, 1_500))
      expect(hooksAt('/queued')).toEqual([])
      expect(await deliveriesOf(endpoint.id)).toEqual(rows)
    } finally {
      await background.stop()
    }
  })

  it.skipIf(embedded)(
    '`npm run webhooks` sends them, signed, and stops cleanly on SIGTERM',
    { timeout: 60_000 },
    async () => {
      const endpoint = await createEndpoint(testDb, api, admin, receiver.url('/apart'), ['ORDER_PLACED'])
      const background = startServerBackground({ WEBHOOKS_IN_SERVER: 'false', OUTBOX_POLL_MS: '50' })
      const sender = startSender()
      try {
        const number = await placeOneOrder()
        const hook = await within(30_000, () => hooksAt('/apart')[0])
        expect(signatureIsValid(endpoint.secret, hook)).toBe(true)
        expect(JSON.parse(hook.body)).toMatchObject({ type: 'order.placed', data: { number } })
        const rows = await within(5_000, async () => {
          const found = await deliveriesOf(endpoint.id)
          return found[0]?.status === 'DELIVERED' ? found : undefined
        })
        expect(rows).toEqual([{ status: 'DELIVERED', attempts: 1, claimed_until: null }])
      } finally {
        sender.child.kill('SIGTERM')
        await background.stop()
      }
      const { code, stdout, stderr } = await sender.outcome
      expect(stderr).toBe('')
      expect(code).toBe(0)
      expect(stdout).toMatch(/"msg":"webhook sender running"/)
      expect(stdout).toMatch(/"msg":"stopped"/)
      expect(hooksAt('/apart')).toHaveLength(1)
    },
  )

  it.skipIf(embedded)('`npm run webhooks -- --once` sends what is due, then exits', { timeout: 60_000 }, async () => {
    const endpoint = await createEndpoint(testDb, api, admin, receiver.url('/once'), ['ORDER_PLACED'])
    const background = startServerBackground({ WEBHOOKS_IN_SERVER: 'false', OUTBOX_POLL_MS: '50' })
    try {
      await placeOneOrder()
      await placeOneOrder()
      await within(5_000, async () => ((await deliveriesOf(endpoint.id)).length === 2 ? true : undefined))
    } finally {
      await background.stop()
    }
    const { code, stdout, stderr } = await startSender(['--once']).outcome
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toMatch(/"result":\{"delivered":2,"retrying":0,"failed":0\}.*"msg":"webhook pass done"/)
    expect(await deliveriesOf(endpoint.id)).toEqual([
      { status: 'DELIVERED', attempts: 1, claimed_until: null },
      { status: 'DELIVERED', attempts: 1, claimed_until: null },
    ])
    expect(hooksAt('/once')).toHaveLength(2)
  })
})
