import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { globalId, storeIdByCode } from '../fixtures/ids.js'
import { staffCall, staffIdByEmail } from '../fixtures/staff.js'
import { type LiveServer, startLiveServer } from '../helpers/http-server.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let admin: string
let rivoliManager: string
const stores: Record<string, string> = {}
const storeGids: Record<string, string> = {}

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  rivoliManager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  for (const code of ['PAR-RIVOLI', 'PAR-OBERKAMPF', 'PAR-RENNES', 'LYO-BELLECOUR']) {
    stores[code] = await storeIdByCode(testDb.db, code)
    storeGids[code] = globalId('Store', stores[code] ?? '')
  }
})
afterAll(async () => {
  await testDb.destroy()
})

const gids = (...codes: string[]) => codes.map((code) => storeGids[code])
const staffGid = async (email: string) => globalId('Staff', await staffIdByEmail(testDb.db, email))
const snapshot = () =>
  Promise.all([
    testDb.db.selectFrom('staff').selectAll().orderBy('id').execute(),
    testDb.db.selectFrom('staff_store').selectAll().orderBy('staff_id').orderBy('store_id').execute(),
    testDb.db.selectFrom('audit_entry').select('id').execute(),
    testDb.db.selectFrom('notification').select('id').execute(),
  ])
const queue = (token: string, code: string) =>
  api.gql('query($id: ID!) { storeOrders(storeId: $id) { edges { node { id } } } }', { id: storeGids[code] }, { token })

async function createAs(token: string, input: Record<string, unknown>) {
  return staffCall(api, token, 'staffCreate', { name: 'Sam Staff', role: 'ASSOCIATE', ...input })
}

async function newAssociate(email: string, codes: string[]) {
  const created = await createAs(admin, { email, storeIds: gids(...codes) })
  const staff = created.payload?.staff
  if (!staff) throw new Error(`staffCreate failed: ${JSON.stringify(created)}`)
  // The tests sign them in: a password as the link would set it.
  const { hashPassword } = await import('../../src/auth/password.js')
  await testDb.db
    .updateTable('staff')
    .set({ password_hash: await hashPassword('associate-pass-1') })
    .where('email', '=', email)
    .execute()
  return staff
}

describe('who may create staff', () => {
  it('lets a manager create associates of their own store only', async () => {
    const own = await createAs(rivoliManager, { email: 'own.associate@example.com', storeIds: gids('PAR-RIVOLI') })
    expect(own.payload?.userErrors).toEqual([])
    expect(own.payload?.staff?.stores).toEqual([{ code: 'PAR-RIVOLI' }])

    const before = await snapshot()
    const refusals = [
      [{ email: 'a@example.com', storeIds: gids('PAR-RENNES') }, 'OUTSIDE_YOUR_STORES', 'storeIds'],
      [{ email: 'b@example.com', storeIds: gids('PAR-RIVOLI', 'PAR-RENNES') }, 'OUTSIDE_YOUR_STORES', 'storeIds'],
      [{ email: 'c@example.com', role: 'MANAGER', storeIds: gids('PAR-RIVOLI') }, 'ROLE_NOT_ALLOWED', 'role'],
      [{ email: 'd@example.com', role: 'ADMIN', storeIds: [] }, 'ROLE_NOT_ALLOWED', 'role'],
    ] as const
    for (const [input, code, field] of refusals) {
      const result = await createAs(rivoliManager, input)
      expect(result.payload?.userErrors[0], JSON.stringify(input)).toMatchObject({ code, field: [field] })
      expect(result.payload?.staff).toBeNull()
    }
    expect(await snapshot()).toEqual(before)
  })

  it('refuses associates, customers and anonymous callers outright', async () => {
    await newAssociate('plain.associate@example.com', ['PAR-RIVOLI'])
    const associate = await api.signInStaff('plain.associate@example.com', 'associate-pass-1')
    const customer = await api.gql<{ customerSignIn: { accessToken: string } }>(
      'mutation { customerSignIn(input: { email: "alice@comptoir.dev", password: "comptoir-alice" }) { accessToken } }',
    )
    const input = { email: 'nope@example.com', storeIds: gids('PAR-RIVOLI') }
    expect((await createAs(associate, input)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect((await createAs(customer.data?.customerSignIn.accessToken ?? '', input)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    )
    const anonymous = await staffCall(api, null, 'staffCreate', { ...input, name: 'x', role: 'ASSOCIATE' })
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
  })
})

describe('bad input is typed and changes nothing', () => {
  it('answers each with its code and field', async () => {
    await newAssociate('taken@example.com', ['PAR-RIVOLI'])
    const before = await snapshot()
    const cases = [
      [{ email: 'not an email', storeIds: gids('PAR-RIVOLI') }, 'INVALID_EMAIL', ['email']],
      [{ email: 'TAKEN@example.com', storeIds: gids('PAR-RIVOLI') }, 'EMAIL_TAKEN', ['email']],
      [
        { email: 'admin2@example.com', role: 'ADMIN', storeIds: gids('PAR-RIVOLI') },
        'INVALID_STAFF_STORES',
        ['storeIds'],
      ],
      [{ email: 'nostore@example.com', storeIds: [] }, 'INVALID_STAFF_STORES', ['storeIds']],
      [
        { email: 'ghost@example.com', storeIds: [storeGids['PAR-RIVOLI'], globalId('Store', crypto.randomUUID())] },
        'UNKNOWN_STORE',
        ['storeIds', '1'],
      ],
    ] as const
    for (const [input, code, field] of cases) {
      const result = await createAs(admin, input)
      expect(result.payload?.userErrors[0], JSON.stringify(input)).toMatchObject({ code, field })
    }
    const blank = await createAs(admin, { email: 'blank@example.com', name: '   ', storeIds: gids('PAR-RIVOLI') })
    expect(blank.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const unknown = await staffCall(api, admin, 'staffUpdate', {
      staffId: globalId('Staff', crypto.randomUUID()),
      name: 'x',
    })
    expect(unknown.payload?.userErrors[0]).toMatchObject({ code: 'UNKNOWN_STAFF', field: ['staffId'] })
    const nothing = await staffCall(api, admin, 'staffUpdate', { staffId: await staffGid('taken@example.com') })
    expect(nothing.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    expect(await snapshot()).toEqual(before)
  })
})

describe('changes hold from the next request', () => {
  it('gives a member several stores, then another role, each effective at once', async () => {
    const member = await newAssociate('moving.member@example.com', ['PAR-RIVOLI'])
    const token = await api.signInStaff('moving.member@example.com', 'associate-pass-1')
    expect((await queue(token, 'PAR-RENNES')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')

    const moved = await staffCall(api, admin, 'staffUpdate', {
      staffId: member.id,
      storeIds: gids('PAR-RIVOLI', 'PAR-RENNES'),
    })
    expect(moved.payload?.staff?.stores).toEqual([{ code: 'PAR-RENNES' }, { code: 'PAR-RIVOLI' }])
    expect((await queue(token, 'PAR-RENNES')).errors).toBeUndefined()
    expect((await queue(token, 'PAR-RIVOLI')).errors).toBeUndefined()
    expect((await queue(token, 'LYO-BELLECOUR')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')

    const register = () =>
      api.gql(
        'mutation($input: PosTerminalRegisterInput!) { posTerminalRegister(input: $input) { userErrors { code } } }',
        { input: { storeId: storeGids['PAR-RENNES'], label: 'till' } },
        { token },
      )
    expect((await register()).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    const promoted = await staffCall(api, admin, 'staffUpdate', { staffId: member.id, role: 'MANAGER' })
    expect(promoted.payload?.staff).toMatchObject({
      role: 'MANAGER',
      stores: [{ code: 'PAR-RENNES' }, { code: 'PAR-RIVOLI' }],
    })
    expect((await register()).errors).toBeUndefined()

    const made = await staffCall(api, admin, 'staffUpdate', { staffId: member.id, role: 'ADMIN' })
    expect(made.payload?.staff).toMatchObject({ role: 'ADMIN', store: null, stores: [] })
    expect((await queue(token, 'LYO-BELLECOUR')).errors).toBeUndefined()
    const audit = await testDb.db
      .selectFrom('audit_entry')
      .select(['action', 'before', 'after'])
      .where('entity', '=', 'staff')
      .where('entity_id', '=', await staffIdByEmail(testDb.db, 'moving.member@example.com'))
      .orderBy('id')
      .execute()
    expect(audit.map((entry) => entry.action)).toEqual(['CREATE', 'UPDATE', 'UPDATE', 'UPDATE'])
    expect(audit[3]).toMatchObject({ before: { role: 'MANAGER' }, after: { role: 'ADMIN', storeIds: [] } })
  })

  it('keeps a manager to associates whose every store is theirs', async () => {
    const shared = await newAssociate('shared.associate@example.com', ['PAR-RIVOLI', 'PAR-RENNES'])
    const mine = await newAssociate('mine.associate@example.com', ['PAR-RIVOLI'])
    const rennesManager = await staffGid('manager.par-rennes@comptoir.dev')
    const cases = [
      [{ staffId: shared.id, name: 'Renamed' }, 'OUTSIDE_YOUR_STORES', 'staffId'],
      [{ staffId: rennesManager, name: 'Renamed' }, 'ROLE_NOT_ALLOWED', 'staffId'],
      [{ staffId: await staffGid('admin@comptoir.dev'), name: 'Renamed' }, 'ROLE_NOT_ALLOWED', 'staffId'],
      [{ staffId: mine.id, role: 'MANAGER' }, 'ROLE_NOT_ALLOWED', 'role'],
      [{ staffId: mine.id, storeIds: gids('PAR-RENNES') }, 'OUTSIDE_YOUR_STORES', 'storeIds'],
    ] as const
    const before = await snapshot()
    for (const [input, code, field] of cases) {
      const result = await staffCall(api, rivoliManager, 'staffUpdate', input)
      expect(result.payload?.userErrors[0], JSON.stringify(input)).toMatchObject({ code, field: [field] })
    }
    const deactivateAdmin = await staffCall(api, rivoliManager, 'staffDeactivate', {
      staffId: await staffGid('admin@comptoir.dev'),
    })
    expect(deactivateAdmin.payload?.userErrors[0]?.code).toBe('ROLE_NOT_ALLOWED')
    expect(await snapshot()).toEqual(before)

    const renamed = await staffCall(api, rivoliManager, 'staffUpdate', { staffId: mine.id, name: 'Mina Mine' })
    expect(renamed.payload?.staff?.name).toBe('Mina Mine')
  })
})

describe('deactivation', () => {
  it('refuses the member from their next request, ends their sessions and is audited', async () => {
    const member = await newAssociate('leaving.member@example.com', ['PAR-RIVOLI'])
    const token = await api.signInStaff('leaving.member@example.com', 'associate-pass-1')
    expect((await queue(token, 'PAR-RIVOLI')).errors).toBeUndefined()
    const result = await staffCall(api, rivoliManager, 'staffDeactivate', { staffId: member.id })
    expect(result.payload?.staff).toMatchObject({ active: false })
    expect((await queue(token, 'PAR-RIVOLI')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    await expect(api.signInStaff('leaving.member@example.com', 'associate-pass-1')).rejects.toThrow(/sign-in failed/)
    const sessions = await testDb.db
      .selectFrom('auth_session')
      .select('revoked_at')
      .where('staff_id', '=', await staffIdByEmail(testDb.db, 'leaving.member@example.com'))
      .execute()
    expect(sessions.every((session) => session.revoked_at !== null)).toBe(true)
    const audit = await testDb.db
      .selectFrom('audit_entry')
      .select(['action', 'actor_id', 'before', 'after'])
      .where('entity_id', '=', await staffIdByEmail(testDb.db, 'leaving.member@example.com'))
      .where('action', '=', 'DEACTIVATE')
      .executeTakeFirstOrThrow()
    expect(audit).toMatchObject({ before: { active: true }, after: { active: false } })
    expect(audit.actor_id).toBe(await staffIdByEmail(testDb.db, 'manager.par-rivoli@comptoir.dev'))
  })

  it('refuses deactivating oneself and the last active admin', async () => {
    const self = await staffCall(api, admin, 'staffDeactivate', { staffId: await staffGid('admin@comptoir.dev') })
    expect(self.payload?.userErrors[0]).toMatchObject({ code: 'SELF_DEACTIVATION', field: ['staffId'] })
    const selfManager = await staffCall(api, rivoliManager, 'staffDeactivate', {
      staffId: await staffGid('manager.par-rivoli@comptoir.dev'),
    })
    expect(selfManager.payload?.userErrors[0]?.code).toBe('SELF_DEACTIVATION')
    // An earlier test made another admin; once they are gone, the only admin cannot stop being one.
    const other = await staffCall(api, admin, 'staffDeactivate', {
      staffId: await staffGid('moving.member@example.com'),
    })
    expect(other.payload?.userErrors).toEqual([])
    const demote = await staffCall(api, admin, 'staffUpdate', {
      staffId: await staffGid('admin@comptoir.dev'),
      role: 'MANAGER',
      storeIds: gids('PAR-RIVOLI'),
    })
    expect(demote.payload?.userErrors[0]).toMatchObject({ code: 'LAST_ADMIN' })
  })

  it('keeps one active admin when two admins deactivate each other at the same moment', async () => {
    const live: LiveServer = await startLiveServer(api)
    try {
      for (const email of ['second.admin@example.com', 'third.admin@example.com']) {
        const created = await createAs(admin, { email, role: 'ADMIN', storeIds: [] })
        expect(created.payload?.userErrors).toEqual([])
      }
      const { hashPassword } = await import('../../src/auth/password.js')
      await testDb.db
        .updateTable('staff')
        .set({ password_hash: await hashPassword('admin-pass-22') })
        .where('email', 'in', ['second.admin@example.com', 'third.admin@example.com'])
        .execute()
      // Leave these two as the only active admins.
      const first = await staffGid('admin@comptoir.dev')
      const second = await api.signInStaff('second.admin@example.com', 'admin-pass-22')
      expect((await staffCall(api, second, 'staffDeactivate', { staffId: first })).payload?.userErrors).toEqual([])
      const third = await api.signInStaff('third.admin@example.com', 'admin-pass-22')
      const [secondId, thirdId] = [
        await staffGid('second.admin@example.com'),
        await staffGid('third.admin@example.com'),
      ]
      const mutation =
        'mutation($input: StaffDeactivateInput!) { staffDeactivate(input: $input) { staff { active } userErrors { code } } }'
      const results = await Promise.all([
        live.gql<{ staffDeactivate: { userErrors: { code: string }[] } }>(
          mutation,
          { input: { staffId: thirdId } },
          { authorization: `Bearer ${second}` },
        ),
        live.gql<{ staffDeactivate: { userErrors: { code: string }[] } }>(
          mutation,
          { input: { staffId: secondId } },
          { authorization: `Bearer ${third}` },
        ),
      ])
      const outcomes = results.map(
        (result) =>
          (result.errors?.[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code ??
          result.data?.staffDeactivate.userErrors[0]?.code ??
          'OK',
      )
      // One wins; the other is refused as the last admin, or, if the winner committed before it
      // was read, as a deactivated caller.
      expect(outcomes.filter((outcome) => outcome === 'OK')).toHaveLength(1)
      expect(outcomes.find((outcome) => outcome !== 'OK')).toMatch(/^(LAST_ADMIN|UNAUTHENTICATED)$/)
      const active = await testDb.db
        .selectFrom('staff')
        .select('email')
        .where('role', '=', 'ADMIN')
        .where('active', '=', true)
        .execute()
      expect(active).toHaveLength(1)
    } finally {
      await live.close()
    }
  })
})

describe('the database holds the role and stores together', () => {
  it('refuses at commit an admin with a store and a manager left with none', async () => {
    const adminId = await staffIdByEmail(testDb.db, 'admin@comptoir.dev')
    const managerId = await staffIdByEmail(testDb.db, 'manager.par-oberkampf@comptoir.dev')
    const adminWithStore = testDb.db
      .insertInto('staff_store')
      .values({ staff_id: adminId, store_id: stores['PAR-RIVOLI'] ?? '' })
      .execute()
    await expect(adminWithStore).rejects.toMatchObject({ code: '23514' })
    const managerWithout = testDb.db.deleteFrom('staff_store').where('staff_id', '=', managerId).execute()
    await expect(managerWithout).rejects.toMatchObject({ code: '23514' })
    expect(
      await testDb.db.selectFrom('staff_store').select('store_id').where('staff_id', '=', managerId).execute(),
    ).toHaveLength(1)
  })
})
