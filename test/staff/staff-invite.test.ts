import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSmtpProvider } from '../../src/modules/notifications/smtp.provider.js'
import { globalId, storeIdByCode } from '../fixtures/ids.js'
import { linkTokenIn, sendQueuedMail, staffCall } from '../fixtures/staff.js'
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const HOUR = 60 * 60 * 1000
let clock = new Date()
let testDb: TestDb
let api: TestApp
let smtp: TestSmtpServer
let admin: string
let rivoli: string
let rennes: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => clock })
  smtp = await startSmtpServer()
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  rivoli = globalId('Store', await storeIdByCode(testDb.db, 'PAR-RIVOLI'))
  rennes = globalId('Store', await storeIdByCode(testDb.db, 'PAR-RENNES'))
})
afterAll(async () => {
  await smtp.close()
  await testDb.destroy()
})

const provider = () => createSmtpProvider({ url: smtp.url, from: 'Comptoir <no-reply@comptoir.dev>' })
const sendMail = () => sendQueuedMail(testDb.db, provider(), clock)
const signIn = (email: string, password: string) =>
  api.gql<{ staffSignIn: { accessToken: string | null; userErrors: { code: string }[] } }>(
    'mutation($input: StaffSignInInput!) { staffSignIn(input: $input) { accessToken userErrors { code } } }',
    { input: { email, password } },
  )

async function invite(email: string, storeIds = [rivoli]) {
  const created = await staffCall(api, admin, 'staffCreate', { email, name: 'Nina New', role: 'ASSOCIATE', storeIds })
  if (!created.payload?.staff) throw new Error(`staffCreate failed: ${JSON.stringify(created)}`)
  return created.payload.staff
}

describe('an invited member sets a password through the mailed link, then signs in', () => {
  it('creates the member with their stores, mails a one-time link, and nobody can sign in before it is used', async () => {
    const staff = await invite('Nina.New@Example.com ', [rennes, rivoli])
    expect(staff).toMatchObject({
      email: 'nina.new@example.com',
      role: 'ASSOCIATE',
      active: true,
      store: { code: 'PAR-RENNES' },
      stores: [{ code: 'PAR-RENNES' }, { code: 'PAR-RIVOLI' }],
    })
    const row = await testDb.db
      .selectFrom('staff')
      .select(['id', 'password_hash'])
      .where('email', '=', 'nina.new@example.com')
      .executeTakeFirstOrThrow()
    expect(row.password_hash).toBeNull()
    // Written with the member, in the same transaction: the link's mail and its hash, no clear token elsewhere.
    const queued = await testDb.db
      .selectFrom('notification')
      .innerJoin('staff_password_token', 'staff_password_token.id', 'notification.password_token_id')
      .select([
        'notification.status',
        'notification.kind',
        'notification.link_secret',
        'staff_password_token.secret_hash',
      ])
      .where('staff_password_token.staff_id', '=', row.id)
      .execute()
    expect(queued).toHaveLength(1)
    expect(queued[0]).toMatchObject({ status: 'PENDING', kind: 'STAFF_INVITE' })
    expect(queued[0]?.link_secret).toMatch(/^[\w-]{43}$/)
    expect(queued[0]?.secret_hash).toBe(
      createHash('sha256')
        .update(queued[0]?.link_secret ?? '')
        .digest('base64url'),
    )

    expect((await signIn('nina.new@example.com', 'anything-at-all')).data?.staffSignIn.userErrors[0]?.code).toBe(
      'INVALID_CREDENTIALS',
    )

    expect(await sendMail()).toMatchObject({ sent: 1 })
    const mail = smtp.received.find((each) => each.to.includes('nina.new@example.com'))
    expect(mail?.headers.subject).toBe('Your Comptoir staff account')
    const token = linkTokenIn(smtp.received, 'nina.new@example.com')
    expect(token).toMatch(/^[0-9a-f-]{36}\.[\w-]{43}$/)
    // Sent: the clear link is gone from the database.
    const after = await testDb.db
      .selectFrom('notification')
      .select(['status', 'link_secret'])
      .where('recipient', '=', 'nina.new@example.com')
      .executeTakeFirstOrThrow()
    expect(after).toEqual({ status: 'SENT', link_secret: null })

    const set = await staffCall(api, null, 'staffPasswordSet', { token, password: 'a long new passphrase' })
    expect(set.payload).toEqual({ staff: { id: staff.id, email: 'nina.new@example.com' }, userErrors: [] })
    expect((await signIn('nina.new@example.com', 'a long new passphrase')).data?.staffSignIn.accessToken).toBeTruthy()

    // Used once: the same link is refused, and changes nothing.
    const again = await staffCall(api, null, 'staffPasswordSet', { token, password: 'another passphrase 2' })
    expect(again.payload?.userErrors).toEqual([
      { code: 'INVALID_RESET_TOKEN', field: ['token'], message: expect.any(String) },
    ])
    expect((await signIn('nina.new@example.com', 'a long new passphrase')).data?.staffSignIn.accessToken).toBeTruthy()
  })

  it('refuses an expired link, and does not mail a link that expired in the queue', async () => {
    await invite('late.comer@example.com')
    await sendMail()
    const token = linkTokenIn(smtp.received, 'late.comer@example.com')
    const started = clock
    try {
      clock = new Date(started.getTime() + 72 * HOUR + 1000)
      const late = await staffCall(api, null, 'staffPasswordSet', { token, password: 'a long new passphrase' })
      expect(late.payload?.userErrors[0]?.code).toBe('INVALID_RESET_TOKEN')

      clock = started
      await invite('never.sent@example.com')
      clock = new Date(started.getTime() + 73 * HOUR)
      expect(await sendMail()).toMatchObject({ sent: 0, skipped: 1 })
      const skipped = await testDb.db
        .selectFrom('notification')
        .select(['status', 'link_secret'])
        .where('recipient', '=', 'never.sent@example.com')
        .executeTakeFirstOrThrow()
      expect(skipped).toEqual({ status: 'SKIPPED', link_secret: null })
    } finally {
      clock = started
    }
  })

  it('refuses forged and mangled tokens alike, and a weak password leaves the link usable', async () => {
    const staff = await invite('care.ful@example.com')
    await sendMail()
    const token = linkTokenIn(smtp.received, 'care.ful@example.com')
    const [tokenId, secret] = token.split('.') as [string, string]
    const forged = [
      `${tokenId}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`,
      `00000000-0000-4000-8000-000000000000.${secret}`,
      'not-a-token',
      `${tokenId}.${secret}.extra`,
    ]
    for (const candidate of forged) {
      const result = await staffCall(api, null, 'staffPasswordSet', {
        token: candidate,
        password: 'a long new passphrase',
      })
      expect(result.payload?.userErrors[0]?.code).toBe('INVALID_RESET_TOKEN')
    }
    const weak = await staffCall(api, null, 'staffPasswordSet', { token, password: 'short' })
    expect(weak.payload?.userErrors[0]).toMatchObject({ code: 'WEAK_PASSWORD', field: ['password'] })
    const common = await staffCall(api, null, 'staffPasswordSet', { token, password: 'password123' })
    expect(common.payload?.userErrors[0]?.code).toBe('WEAK_PASSWORD')
    const row = await testDb.db
      .selectFrom('staff')
      .select('password_hash')
      .where('id', '=', rawId(staff.id))
      .executeTakeFirstOrThrow()
    expect(row.password_hash).toBeNull()
    const good = await staffCall(api, null, 'staffPasswordSet', { token, password: 'finally a good one' })
    expect(good.payload?.userErrors).toEqual([])
  })

  it('audits the creation and the password set, with no hash and no token in them', async () => {
    const staff = await invite('audit.me@example.com')
    await sendMail()
    const token = linkTokenIn(smtp.received, 'audit.me@example.com')
    await staffCall(api, null, 'staffPasswordSet', { token, password: 'an audited passphrase' })
    const entries = await testDb.db
      .selectFrom('audit_entry')
      .selectAll()
      .where('entity', '=', 'staff')
      .where('entity_id', '=', rawId(staff.id))
      .orderBy('id')
      .execute()
    expect(entries.map((entry) => [entry.action, entry.actor_type, entry.channel])).toEqual([
      ['CREATE', 'STAFF', 'BACK_OFFICE'],
      ['PASSWORD_SET', 'STAFF', 'BACK_OFFICE'],
    ])
    expect(entries[0]?.after).toMatchObject({ email: 'audit.me@example.com', role: 'ASSOCIATE', active: true })
    expect(entries[1]?.actor_id).toBe(rawId(staff.id))
    const written = JSON.stringify(entries)
    expect(written).not.toContain(token.split('.')[1])
    expect(written).not.toContain('scrypt')
  })
})

function rawId(gid: string): string {
  return Buffer.from(gid, 'base64').toString().split(':')[1] ?? ''
}
