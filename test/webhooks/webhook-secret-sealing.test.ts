import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/logger.js'
import { createWebhookSecretBox } from '../../src/modules/webhooks/webhook-secret-box.js'
import { resealWebhookSecrets } from '../../src/modules/webhooks/webhook-secret-reseal.js'
import { newWebhookSecret } from '../../src/modules/webhooks/webhook-signature.js'
import { createTestApp, TEST_WEBHOOK_SECRETS_KEY, type TestApp, testWebhookSecrets } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'
import { startReceiver } from './receiver.js'
import { createEndpoint, deliverWebhooks, signatureIsValid } from './webhook-harness.js'

const logger = createLogger('silent')
let testDb: TestDb
let api: TestApp
let receiver: Awaited<ReturnType<typeof startReceiver>>
let admin: string
let signUps = 0

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  receiver = await startReceiver()
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
})
afterAll(async () => {
  await receiver.close()
  await testDb.destroy()
})

/** A customer.created event in the outbox. */
async function signUpCustomer() {
  signUps++
  const result = await api.gql<{ customerSignUp: { customer: { id: string } | null } }>(
    `mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) { customer { id } } }`,
    { input: { email: `sealed.${signUps}@example.com`, password: 'a long and varied secret', name: 'Sealed' } },
  )
  expect(result.data?.customerSignUp.customer).not.toBeNull()
}

const storedSecret = async (id: string) =>
  (await testDb.db.selectFrom('webhook_endpoint').select('secret').where('id', '=', id).executeTakeFirstOrThrow())
    .secret

/** An endpoint written straight into the table, as one registered before sealing existed would be. */
async function insertEndpoint(path: string, secret: string): Promise<string> {
  const row = await testDb.db
    .insertInto('webhook_endpoint')
    .values({ url: receiver.url(path), events: ['customer.created'], description: path, secret })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

const hooksAt = (path: string) => receiver.received.filter((hook) => hook.path === path)

describe('webhook signing secrets at rest', () => {
  it('stores a new endpoint’s secret sealed, and signs with the secret the admin was shown', async () => {
    const endpoint = await createEndpoint(testDb, api, admin, receiver.url('/sealed'), ['CUSTOMER_CREATED'])
    const stored = await storedSecret(endpoint.id)
    expect(stored.startsWith(await testWebhookSecrets.currentPrefix())).toBe(true)
    expect(stored).not.toContain(endpoint.secret.replace(/^whsec_/, ''))

    await signUpCustomer()
    expect(await deliverWebhooks(testDb)).toMatchObject({ delivered: 1, failed: 0, retrying: 0 })
    const [hook] = hooksAt('/sealed')
    expect(hook && signatureIsValid(endpoint.secret, hook)).toBe(true)
  })

  it('seals again under a new key the secrets kept in clear or under the key it replaced, and they still sign', async () => {
    const clear = newWebhookSecret()
    const clearId = await insertEndpoint('/was-clear', clear)
    const underOldKey = newWebhookSecret()
    const oldKeyId = await insertEndpoint('/old-key', await testWebhookSecrets.seal(underOldKey))
    const rotated = createWebhookSecretBox({
      current: 'the-key-that-replaced-the-test-key-of-the-app',
      previous: [TEST_WEBHOOK_SECRETS_KEY],
    })

    expect(await resealWebhookSecrets(testDb.db, rotated, logger)).toBeGreaterThanOrEqual(2)
    const newPrefix = await rotated.currentPrefix()
    for (const [id, secret] of [
      [clearId, clear],
      [oldKeyId, underOldKey],
    ] as const) {
      const stored = await storedSecret(id)
      expect(stored.startsWith(newPrefix)).toBe(true)
      expect(await rotated.open(stored)).toBe(secret)
    }
    // Every secret is current now: a second pass (the next start, the next cron tick) writes nothing.
    expect(await resealWebhookSecrets(testDb.db, rotated, logger)).toBe(0)

    await signUpCustomer()
    await deliverWebhooks(testDb, { secrets: rotated })
    const [fromClear] = hooksAt('/was-clear')
    const [fromOldKey] = hooksAt('/old-key')
    expect(fromClear && signatureIsValid(clear, fromClear)).toBe(true)
    expect(fromOldKey && signatureIsValid(underOldKey, fromOldKey)).toBe(true)
    await testDb.db.updateTable('webhook_endpoint').set({ disabled_at: new Date() }).execute()
  })

  it('leaves a secret no configured key opens as it is, and its deliveries fail with that reason', async () => {
    const stranger = createWebhookSecretBox({ current: 'a-key-this-deployment-was-never-given' })
    const sealed = await stranger.seal(newWebhookSecret())
    const id = await insertEndpoint('/lost-key', sealed)

    expect(await resealWebhookSecrets(testDb.db, testWebhookSecrets, logger)).toBe(0)
    expect(await storedSecret(id)).toBe(sealed)

    await signUpCustomer()
    expect(await deliverWebhooks(testDb)).toMatchObject({ delivered: 0, retrying: 1 })
    expect(hooksAt('/lost-key')).toEqual([])
    const delivery = await testDb.db
      .selectFrom('webhook_delivery')
      .select(['status', 'last_error', 'last_status_code'])
      .where('endpoint_id', '=', id)
      .executeTakeFirstOrThrow()
    expect(delivery.status).toBe('PENDING')
    expect(delivery.last_status_code).toBeNull()
    expect(delivery.last_error).toMatch(
      /sealed with key .* neither WEBHOOK_SECRETS_KEY nor WEBHOOK_SECRETS_PREVIOUS_KEYS/,
    )
  })
})
