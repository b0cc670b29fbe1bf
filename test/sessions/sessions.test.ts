import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashRefreshToken } from '../../src/auth/access-token.js'
import { globalId, storeIdByCode } from '../fixtures/ids.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
})
afterAll(async () => {
  await testDb.destroy()
})

const MANAGER = 'manager.par-rivoli@comptoir.dev'
const TOKEN_FIELDS = 'accessToken accessTokenExpiresAt expiresAt refreshToken refreshTokenExpiresAt userErrors { code }'

interface Tokens {
  accessToken: string | null
  accessTokenExpiresAt: string | null
  expiresAt: string | null
  refreshToken: string | null
  refreshTokenExpiresAt: string | null
  userErrors: { code: string }[]
}

async function staffSignIn(email = MANAGER): Promise<Tokens> {
  const result = await api.gql<{ staffSignIn: Tokens }>(
    `mutation($input: StaffSignInInput!) { staffSignIn(input: $input) { ${TOKEN_FIELDS} } }`,
    { input: { email, password: 'comptoir-staff' } },
  )
  const tokens = result.data?.staffSignIn
  if (!tokens?.accessToken) throw new Error(`sign-in failed: ${JSON.stringify(result)}`)
  return tokens
}

function refresh(refreshToken: string) {
  return api.gql<{ tokenRefresh: Tokens }>(
    `mutation($input: TokenRefreshInput!) { tokenRefresh(input: $input) { ${TOKEN_FIELDS} } }`,
    { input: { refreshToken } },
  )
}

/** staffMe as the bearer of the token: the staff id, or the error code it was refused with. */
async function whoAmI(accessToken: string): Promise<string | null | undefined> {
  const result = await api.gql<{ staffMe: { email: string } | null }>(
    '{ staffMe { email } }',
    {},
    { token: accessToken },
  )
  return result.errors ? result.errors[0]?.extensions?.code : result.data?.staffMe?.email
}

async function liveRefreshTokensOfSession(refreshToken: string): Promise<number> {
  const { session_id } = await testDb.db
    .selectFrom('refresh_token')
    .select('session_id')
    .where('token_hash', '=', hashRefreshToken(refreshToken))
    .executeTakeFirstOrThrow()
  const rows = await testDb.db
    .selectFrom('refresh_token')
    .innerJoin('auth_session', 'auth_session.id', 'refresh_token.session_id')
    .select('token_hash')
    .where('session_id', '=', session_id)
    .where('used_at', 'is', null)
    .where('auth_session.revoked_at', 'is', null)
    .execute()
  return rows.length
}

describe('sessions', () => {
  it('signs in with an access token of at most 15 minutes and a refresh token stored only as its hash', async () => {
    const tokens = await staffSignIn()
    const lifetimeMs = new Date(tokens.accessTokenExpiresAt ?? 0).getTime() - Date.now()
    expect(lifetimeMs).toBeGreaterThan(0)
    expect(lifetimeMs).toBeLessThanOrEqual(15 * 60_000)
    expect(tokens.expiresAt).toBe(tokens.accessTokenExpiresAt)
    expect(tokens.refreshToken).toMatch(/^crt_[\w-]{43}$/)
    const stored = await testDb.db.selectFrom('refresh_token').select('token_hash').execute()
    expect(stored.map((row) => row.token_hash)).toContain(hashRefreshToken(tokens.refreshToken ?? ''))
    expect(stored.map((row) => row.token_hash)).not.toContain(tokens.refreshToken)
    expect(await whoAmI(tokens.accessToken ?? '')).toBe(MANAGER)
  })

  it('rotates the refresh token; presenting a retired one again revokes the whole family', async () => {
    const first = await staffSignIn()
    const second = (await refresh(first.refreshToken ?? '')).data?.tokenRefresh
    expect(second?.userErrors).toEqual([])
    expect(second?.refreshToken).not.toBe(first.refreshToken)
    expect(await whoAmI(second?.accessToken ?? '')).toBe(MANAGER)

    const replayed = await refresh(first.refreshToken ?? '')
    expect(replayed.data?.tokenRefresh).toMatchObject({
      accessToken: null,
      userErrors: [{ code: 'INVALID_REFRESH_TOKEN' }],
    })
    // Everything descended from that sign-in is dead, the latest pair included.
    expect(await whoAmI(second?.accessToken ?? '')).toBe('UNAUTHENTICATED')
    expect(await whoAmI(first.accessToken ?? '')).toBe('UNAUTHENTICATED')
    const third = await refresh(second?.refreshToken ?? '')
    expect(third.data?.tokenRefresh.userErrors).toEqual([{ code: 'INVALID_REFRESH_TOKEN' }])
  })

  it('gives parallel refreshes with one token at most one live successor', async () => {
    const signedIn = await staffSignIn()
    const results = await Promise.all(Array.from({ length: 8 }, () => refresh(signedIn.refreshToken ?? '')))
    const successes = results.filter((result) => result.data?.tokenRefresh.accessToken)
    const refused = results.filter(
      (result) => result.data?.tokenRefresh.userErrors[0]?.code === 'INVALID_REFRESH_TOKEN',
    )
    expect(successes.length).toBeLessThanOrEqual(1)
    expect(successes.length + refused.length).toBe(8)
    expect(await liveRefreshTokensOfSession(signedIn.refreshToken ?? '')).toBeLessThanOrEqual(1)
    const liveAccess = await Promise.all(successes.map((s) => whoAmI(s.data?.tokenRefresh.accessToken ?? '')))
    // The losers presented a spent token: the family is revoked, the winner's pair with it.
    expect(liveAccess.filter((who) => who === MANAGER)).toHaveLength(0)
  })

  it('refuses an unknown, forged or empty refresh token with a typed error and changes nothing', async () => {
    for (const token of ['crt_unknown', '', 'x'.repeat(200)]) {
      const result = await refresh(token)
      expect(result.data?.tokenRefresh.userErrors).toEqual([{ code: 'INVALID_REFRESH_TOKEN' }])
    }
    const tooLong = await refresh('x'.repeat(201))
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
  })

  it('signs out: the access token is refused on the next request and the refresh token is dead', async () => {
    const tokens = await staffSignIn()
    const out = await api.gql<{ staffSignOut: { signedOut: boolean; userErrors: unknown[] } }>(
      'mutation($input: StaffSignOutInput!) { staffSignOut(input: $input) { signedOut userErrors { code } } }',
      { input: { refreshToken: tokens.refreshToken } },
    )
    expect(out.data?.staffSignOut).toEqual({ signedOut: true, userErrors: [] })
    expect(await whoAmI(tokens.accessToken ?? '')).toBe('UNAUTHENTICATED')
    expect((await refresh(tokens.refreshToken ?? '')).data?.tokenRefresh.userErrors).toEqual([
      { code: 'INVALID_REFRESH_TOKEN' },
    ])
    // The other sessions of the same member are not affected.
    const other = await staffSignIn()
    expect(await whoAmI(other.accessToken ?? '')).toBe(MANAGER)
  })

  it("signs a customer out with the access token alone, and never with a staff member's refresh token", async () => {
    const signIn = await api.gql<{ customerSignIn: Tokens }>(
      `mutation { customerSignIn(input: { email: "alice@comptoir.dev", password: "comptoir-alice" }) { ${TOKEN_FIELDS} } }`,
    )
    const customer = signIn.data?.customerSignIn
    expect(customer?.refreshToken).toMatch(/^crt_/)
    const me = () =>
      api.gql<{ me: { email: string } | null }>('{ me { email } }', {}, { token: customer?.accessToken ?? '' })
    expect((await me()).data?.me?.email).toBe('alice@comptoir.dev')

    const staff = await staffSignIn()
    const crossed = await api.gql<{ customerSignOut: { signedOut: boolean; userErrors: { code: string }[] } }>(
      'mutation($input: CustomerSignOutInput!) { customerSignOut(input: $input) { signedOut userErrors { code } } }',
      { input: { refreshToken: staff.refreshToken } },
    )
    expect(crossed.data?.customerSignOut).toEqual({ signedOut: false, userErrors: [{ code: 'INVALID_REFRESH_TOKEN' }] })
    expect(await whoAmI(staff.accessToken ?? '')).toBe(MANAGER)

    const out = await api.gql<{ customerSignOut: { signedOut: boolean } }>(
      'mutation { customerSignOut(input: {}) { signedOut } }',
      {},
      { token: customer?.accessToken ?? '' },
    )
    expect(out.data?.customerSignOut.signedOut).toBe(true)
    expect((await me()).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
  })

  it('refuses a deactivated staff member on the next request, and refreshes nothing for them', async () => {
    const tokens = await staffSignIn('manager.par-oberkampf@comptoir.dev')
    // No staffDeactivate mutation exists yet (issue 14): the flag is set in the database directly.
    await testDb.db
      .updateTable('staff')
      .set({ active: false })
      .where('email', '=', 'manager.par-oberkampf@comptoir.dev')
      .execute()
    expect(await whoAmI(tokens.accessToken ?? '')).toBe('UNAUTHENTICATED')
    expect((await refresh(tokens.refreshToken ?? '')).data?.tokenRefresh.userErrors).toEqual([
      { code: 'INVALID_REFRESH_TOKEN' },
    ])
    await testDb.db
      .updateTable('staff')
      .set({ active: true })
      .where('email', '=', 'manager.par-oberkampf@comptoir.dev')
      .execute()
    // The refused refresh revoked the session: reactivation does not bring its tokens back.
    expect(await whoAmI(tokens.accessToken ?? '')).toBe('UNAUTHENTICATED')
  })

  it("acts with the staff member's current role and store, not those at sign-in", async () => {
    const email = 'manager.par-rennes@comptoir.dev'
    const tokens = await staffSignIn(email)
    const rennes = globalId('Store', await storeIdByCode(testDb.db, 'PAR-RENNES'))
    const lyon = await storeIdByCode(testDb.db, 'LYO-BELLECOUR')
    const queue = (storeGid: string) =>
      api.gql(
        'query($id: ID!) { storeOrders(storeId: $id) { edges { node { id } } } }',
        { id: storeGid },
        {
          token: tokens.accessToken ?? '',
        },
      )
    expect((await queue(rennes)).errors).toBeUndefined()

    const member = await testDb.db.selectFrom('staff').select('id').where('email', '=', email).executeTakeFirstOrThrow()
    await testDb.db.updateTable('staff_store').set({ store_id: lyon }).where('staff_id', '=', member.id).execute()
    expect((await queue(rennes)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect((await queue(globalId('Store', lyon))).errors).toBeUndefined()

    await testDb.db.updateTable('staff').set({ role: 'ASSOCIATE' }).where('email', '=', email).execute()
    const register = await api.gql(
      'mutation($input: PosTerminalRegisterInput!) { posTerminalRegister(input: $input) { terminalKey } }',
      { input: { storeId: globalId('Store', lyon), label: 'till' } },
      { token: tokens.accessToken ?? '' },
    )
    expect(register.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
  })
})
