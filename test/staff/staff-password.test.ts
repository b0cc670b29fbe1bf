import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD_RESET_RULES } from '../../src/limits/attempt-limits.js'
import { createSmtpProvider } from '../../src/modules/notifications/smtp.provider.js'
import { linkTokenIn, sendQueuedMail, staffCall, staffIdByEmail } from '../fixtures/staff.js'
import { type LiveServer, startLiveServer } from '../helpers/http-server.js'
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const HOUR = 60 * 60 * 1000
let clock = new Date()
let testDb: TestDb
let api: TestApp
let smtp: TestSmtpServer
let live: LiveServer

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => clock, env: { TRUST_PROXY: '127.0.0.1' } })
  smtp = await startSmtpServer()
  // Over a socket, so that the limits see each request's X-Forwarded-For address.
  live = await startLiveServer(api)
})
afterAll(async () => {
  await live.close()
  await smtp.close()
  await testDb.destroy()
})

const sendMail = () =>
  sendQueuedMail(testDb.db, createSmtpProvider({ url: smtp.url, from: 'Comptoir <no-reply@comptoir.dev>' }), clock)
const from = (address: string) => ({ 'x-forwarded-for': address })
const requestReset = (email: string, headers: Record<string, string>) =>
  live.gql<{ staffPasswordReset: { userErrors: { code: string }[] } }>(
    'mutation($input: StaffPasswordResetInput!) { staffPasswordReset(input: $input) { userErrors { code } } }',
    { input: { email } },
    headers,
  )
const refused = async (token: string) => (await me(token)).errors?.[0]?.extensions?.code
const me = (token: string) => api.gql<{ staffMe: { id: string } | null }>('{ staffMe { id } }', {}, { token })
const resetMailsTo = (email: string) =>
  testDb.db
    .selectFrom('notification')
    .select(['status'])
    .where('recipient', '=', email)
    .where('kind', '=', 'STAFF_PASSWORD_RESET')
    .execute()

describe('a forgotten password is reset through a mailed link', () => {
  it('mails a link valid an hour; setting the password signs the member out everywhere', async () => {
    const email = 'manager.par-rivoli@comptoir.dev'
    const before = await api.signInStaff(email)
    const reset = await requestReset(email, from('198.51.100.1'))
    expect(reset.data?.staffPasswordReset.userErrors).toEqual([])
    expect(await sendMail()).toMatchObject({ sent: 1 })
    const token = linkTokenIn(smtp.received, email)
    const set = await staffCall(api, null, 'staffPasswordSet', { token, password: 'rivoli at dawn 2026' })
    expect(set.payload?.userErrors).toEqual([])
    expect(await refused(before)).toBe('UNAUTHENTICATED')
    expect(await api.signInStaff(email, 'rivoli at dawn 2026')).toBeTruthy()
    await expect(api.signInStaff(email, 'comptoir-staff')).rejects.toThrow(/sign-in failed/)
  })

  it('answers an unknown or deactivated email exactly as a known one, and mails nothing', async () => {
    const known = await requestReset('manager.par-rennes@comptoir.dev', from('198.51.100.2'))
    const unknown = await requestReset('nobody@comptoir.dev', from('198.51.100.2'))
    await testDb.db
      .updateTable('staff')
      .set({ active: false })
      .where('email', '=', 'manager.lyo-bellecour@comptoir.dev')
      .execute()
    const inactive = await requestReset('manager.lyo-bellecour@comptoir.dev', from('198.51.100.2'))
    expect(unknown).toEqual(known)
    expect(inactive).toEqual(known)
    expect(await resetMailsTo('manager.par-rennes@comptoir.dev')).toHaveLength(1)
    expect(await resetMailsTo('nobody@comptoir.dev')).toHaveLength(0)
    expect(await resetMailsTo('manager.lyo-bellecour@comptoir.dev')).toHaveLength(0)
  })

  it('refuses a reset link after an hour', async () => {
    const email = 'manager.par-oberkampf@comptoir.dev'
    await requestReset(email, from('198.51.100.3'))
    await sendMail()
    const token = linkTokenIn(smtp.received, email)
    const started = clock
    clock = new Date(started.getTime() + HOUR + 1000)
    try {
      const late = await staffCall(api, null, 'staffPasswordSet', { token, password: 'too late for this' })
      expect(late.payload?.userErrors[0]?.code).toBe('INVALID_RESET_TOKEN')
    } finally {
      clock = started
    }
  })

  it('limits requests per email and address the same way whether or not the email exists', async () => {
    for (const email of ['admin@comptoir.dev', 'ghost@comptoir.dev']) {
      const answers: string[] = []
      for (let n = 0; n <= PASSWORD_RESET_RULES.pair.points; n++) {
        const result = await requestReset(email, from('198.51.100.4'))
        answers.push(result.data?.staffPasswordReset.userErrors[0]?.code ?? 'OK')
      }
      expect(answers).toEqual([...Array(PASSWORD_RESET_RULES.pair.points).fill('OK'), 'TOO_MANY_ATTEMPTS'])
    }
    expect(await resetMailsTo('admin@comptoir.dev')).toHaveLength(PASSWORD_RESET_RULES.pair.points)
    // Another address is not held back by the first one's limit.
    const other = await requestReset('admin@comptoir.dev', from('198.51.100.5'))
    expect(other.data?.staffPasswordReset.userErrors).toEqual([])
  })
})

describe('a signed-in member changes their own password', () => {
  it('needs the current password, keeps this session and ends the others', async () => {
    const email = 'manager.lyo-part-dieu@comptoir.dev'
    const staffId = await staffIdByEmail(testDb.db, email)
    const current = await api.signInStaff(email)
    const elsewhere = await api.signInStaff(email)

    const wrong = await staffCall(api, current, 'staffPasswordChange', {
      currentPassword: 'not my password',
      newPassword: 'a brand new passphrase',
    })
    expect(wrong.payload?.userErrors[0]).toMatchObject({ code: 'INVALID_CREDENTIALS', field: ['currentPassword'] })
    const weak = await staffCall(api, current, 'staffPasswordChange', {
      currentPassword: 'comptoir-staff',
      newPassword: 'short',
    })
    expect(weak.payload?.userErrors[0]).toMatchObject({ code: 'WEAK_PASSWORD', field: ['newPassword'] })
    expect((await me(elsewhere)).data?.staffMe).not.toBeNull()

    const changed = await staffCall(api, current, 'staffPasswordChange', {
      currentPassword: 'comptoir-staff',
      newPassword: 'a brand new passphrase',
    })
    expect(changed.payload?.userErrors).toEqual([])
    expect((await me(current)).data?.staffMe).not.toBeNull()
    expect(await refused(elsewhere)).toBe('UNAUTHENTICATED')
    expect(await api.signInStaff(email, 'a brand new passphrase')).toBeTruthy()
    const audit = await testDb.db
      .selectFrom('audit_entry')
      .select(['action', 'before', 'after'])
      .where('entity_id', '=', staffId)
      .execute()
    expect(audit).toEqual([{ action: 'PASSWORD_CHANGE', before: null, after: null }])
  })

  it('is refused to an anonymous caller', async () => {
    const input = { currentPassword: 'comptoir-staff', newPassword: 'a brand new passphrase' }
    expect((await staffCall(api, null, 'staffPasswordChange', input)).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    )
  })
})
