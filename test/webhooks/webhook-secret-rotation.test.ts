import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/logger.js'
import { resealWebhookSecrets } from '../../src/modules/webhooks/webhook-secret-reseal.js'
import { newWebhookSecret } from '../../src/modules/webhooks/webhook-signature.js'
import { rawId } from '../fixtures/notifications.js'
import { createTestApp, type TestApp, testWebhookSecrets } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'
import { type ReceivedHook, startReceiver } from './receiver.js'
import { deliverWebhooks, signatureIsValid, T0 } from './webhook-harness.js'

const HOUR = 3_600_000
let testDb: TestDb
let api: TestApp
let receiver: Awaited<ReturnType<typeof startReceiver>>
let admin: string
let manager: string
let signUps = 0

beforeAll(async () => {
  testDb = await createTestDb()
  // The API's clock is the senders' (T0), so a rotation's overlap is measured on the same time.
  api = createTestApp(testDb, { now: () => T0 })
  receiver = await startReceiver()
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  // Whatever the outbox holds from the seed belongs to no endpoint of this file.
  await deliverWebhooks(testDb)
})
afterAll(async () => {
  await receiver.close()
  await testDb.destroy()
})

type EndpointPayload = {
  endpoint: { id: string; previousSecretExpiresAt: string | null } | null
  secret: string | null
  userErrors: { code: string; field: string[] }[]
}

const CREATE = `mutation($input: WebhookEndpointCreateInput!) {
  webhookEndpointCreate(input: $input) { endpoint { id previousSecretExpiresAt } secret userErrors { code field } }
}`
const ROTATE = `mutation($input: WebhookEndpointRotateSecretInput!) {
  webhookEndpointRotateSecret(input: $input) { endpoint { id previousSecretExpiresAt } secret userErrors { code field } }
}`

async function create(path: string, secret?: string, token = admin) {
  const result = await api.gql<{ webhookEndpointCreate: EndpointPayload }>(
    CREATE,
    { input: { url: receiver.url(path), events: ['CUSTOMER_CREATED'], ...(secret === undefined ? {} : { secret }) } },
    { token },
  )
  return { result, payload: result.data?.webhookEndpointCreate }
}

async function rotate(endpointGid: string, input: { secret?: string; keepPreviousForHours?: number }, token = admin) {
  const result = await api.gql<{ webhookEndpointRotateSecret: EndpointPayload }>(
    ROTATE,
    { input: { endpointId: endpointGid, ...input } },
    { token },
  )
  return { result, payload: result.data?.webhookEndpointRotateSecret }
}

/** A customer.created event, sent at `at`; answers what reached the path from it. */
async function sendOneAt(path: string, at: Date): Promise<ReceivedHook> {
  signUps++
  const before = receiver.received.length
  await api.gql(`mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) { customer { id } } }`, {
    input: { email: `rotation.${signUps}@example.com`, password: 'a long and varied secret', name: 'Rotation' },
  })
  await deliverWebhooks(testDb, { at })
  const hooks = receiver.received.slice(before).filter((hook) => hook.path === path)
  expect(hooks).toHaveLength(1)
  return hooks[0] as ReceivedHook
}

const signaturesOf = (hook: ReceivedHook) => String(hook.headers['webhook-signature']).split(' ')
const endpointCount = async () =>
  Number(
    (
      await testDb.db
        .selectFrom('webhook_endpoint')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .executeTakeFirstOrThrow()
    ).count,
  )

describe('webhook signing secrets an admin brings or rotates', () => {
  it('registers an endpoint with the secret its receiver already holds', async () => {
    const brought = newWebhookSecret()
    const { payload } = await create('/brought', brought)
    expect(payload?.userErrors).toEqual([])
    expect(payload?.secret).toBe(brought)

    const hook = await sendOneAt('/brought', T0)
    expect(signaturesOf(hook)).toHaveLength(1)
    expect(signatureIsValid(brought, hook)).toBe(true)
  })

  it.each([
    ['not Standard Webhooks', 'hunter2-hunter2-hunter2-hunter2'],
    ['too short', `whsec_${Buffer.alloc(16, 1).toString('base64')}`],
    ['too long', `whsec_${Buffer.alloc(65, 1).toString('base64')}`],
    ['not base64', 'whsec_not*base64*at*all*but*long*enough*to*pass'],
    ['empty', ''],
  ])('refuses a brought secret that is %s, and registers nothing', async (_case, secret) => {
    const before = await endpointCount()
    const { payload } = await create('/refused', secret)
    expect(payload?.endpoint).toBeNull()
    expect(payload?.secret).toBeNull()
    expect(payload?.userErrors).toEqual([{ code: 'INVALID_WEBHOOK_SECRET', field: ['secret'] }])
    expect(await endpointCount()).toBe(before)
  })

  it('signs with both secrets for the overlap after a rotation, then with the new one alone', async () => {
    const { payload: created } = await create('/rotated')
    const old = created?.secret ?? ''
    const gid = created?.endpoint?.id ?? ''

    const { payload } = await rotate(gid, {})
    expect(payload?.userErrors).toEqual([])
    const renewed = payload?.secret ?? ''
    expect(renewed).toMatch(/^whsec_/)
    expect(renewed).not.toBe(old)
    expect(payload?.endpoint?.previousSecretExpiresAt).toBe(new Date(T0.getTime() + 24 * HOUR).toISOString())

    const during = await sendOneAt('/rotated', new Date(T0.getTime() + HOUR))
    expect(signaturesOf(during)).toHaveLength(2)
    expect(signatureIsValid(renewed, during)).toBe(true)
    expect(signatureIsValid(old, during)).toBe(true)

    const after = await sendOneAt('/rotated', new Date(T0.getTime() + 25 * HOUR))
    expect(signaturesOf(after)).toHaveLength(1)
    expect(signatureIsValid(renewed, after)).toBe(true)
    expect(signatureIsValid(old, after)).toBe(false)

    // Once its time is over, the replaced secret leaves the database.
    const stored = () =>
      testDb.db
        .selectFrom('webhook_endpoint')
        .select(['previous_secret', 'previous_secret_until'])
        .where('id', '=', rawId(gid))
        .executeTakeFirstOrThrow()
    expect((await stored()).previous_secret).not.toBeNull()
    await resealWebhookSecrets(
      testDb.db,
      testWebhookSecrets,
      createLogger('silent'),
      new Date(T0.getTime() + 25 * HOUR),
    )
    expect(await stored()).toEqual({ previous_secret: null, previous_secret_until: null })
  })

  it('stops the replaced secret at once when told to keep it for 0 hours, and takes a brought one', async () => {
    const { payload: created } = await create('/leaked')
    const leaked = created?.secret ?? ''
    const brought = newWebhookSecret()
    const { payload } = await rotate(created?.endpoint?.id ?? '', { secret: brought, keepPreviousForHours: 0 })
    expect(payload?.secret).toBe(brought)
    expect(payload?.endpoint?.previousSecretExpiresAt).toBeNull()

    const hook = await sendOneAt('/leaked', T0)
    expect(signaturesOf(hook)).toHaveLength(1)
    expect(signatureIsValid(brought, hook)).toBe(true)
    expect(signatureIsValid(leaked, hook)).toBe(false)
  })

  it('is for admins only, refuses bad input without changing the secret, and audits without secrets', async () => {
    const { payload: created } = await create('/guarded')
    const gid = created?.endpoint?.id ?? ''
    const secretOf = async () =>
      (
        await testDb.db
          .selectFrom('webhook_endpoint')
          .select('secret')
          .where('id', '=', rawId(gid))
          .executeTakeFirstOrThrow()
      ).secret
    const before = await secretOf()

    const { result: refused } = await rotate(gid, {}, manager)
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    const { payload: badSecret } = await rotate(gid, { secret: 'whsec_short' })
    expect(badSecret?.userErrors).toEqual([{ code: 'INVALID_WEBHOOK_SECRET', field: ['secret'] }])
    const { payload: emptySecret } = await rotate(gid, { secret: '' })
    expect(emptySecret?.userErrors).toEqual([{ code: 'INVALID_WEBHOOK_SECRET', field: ['secret'] }])
    const { result: tooLong } = await rotate(gid, { keepPreviousForHours: 169 })
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    expect(await secretOf()).toBe(before)

    const { payload } = await rotate(gid, {})
    const audit = await testDb.db
      .selectFrom('audit_entry')
      .select(['action', 'before', 'after'])
      .where('entity', '=', 'webhook_endpoint')
      .where('entity_id', '=', rawId(gid))
      .where('action', '=', 'ROTATE_SECRET')
      .execute()
    expect(audit).toHaveLength(1)
    const logged = JSON.stringify(audit)
    expect(logged).not.toContain('sealed:')
    expect(logged).not.toContain((payload?.secret ?? 'missing').slice('whsec_'.length))
    expect(logged).not.toContain((created?.secret ?? 'missing').slice('whsec_'.length))
    expect(audit[0]?.after).toMatchObject({ previous_secret_until: expect.any(String) })
  })
})
