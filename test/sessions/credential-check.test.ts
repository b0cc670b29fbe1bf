import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAccessTokenIssuer } from '../../src/auth/access-token.js'
import { type Credential, credentialOf } from '../../src/modules/sessions/credential.js'
import { arrivalMark, sharedCredentialCheck } from '../../src/modules/sessions/credential-check.js'
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
const issuer = createAccessTokenIssuer(TEST_JWT_SECRET, { accessTokenTtlMinutes: 15, refreshTokenTtlDays: 1 })

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
})
afterAll(() => testDb.destroy())

const sessionReads = () => testDb.statements.filter((sql) => /from "auth_session"/.test(sql)).length

async function signedIn(): Promise<{ credential: Credential; refreshToken: string }> {
  const result = await api.gql<{ staffSignIn: { accessToken: string; refreshToken: string } }>(
    'mutation { staffSignIn(input: { email: "manager.par-rivoli@comptoir.dev", password: "comptoir-staff" }) { accessToken refreshToken } }',
  )
  const session = result.data?.staffSignIn
  const credential = session ? await credentialOf(`Bearer ${session.accessToken}`, issuer) : null
  if (!session || !credential) throw new Error(`sign-in failed: ${JSON.stringify(result)}`)
  return { credential, refreshToken: session.refreshToken }
}

describe('the credential check shared by the streams of one sign-in', () => {
  it('reads the session once for the events and streams waiting together, and again for an event that arrives later', async () => {
    const { credential, refreshToken } = await signedIn()
    const streams = Array.from({ length: 20 }, () => sharedCredentialCheck(testDb.db, credential))
    const arrived = arrivalMark()
    testDb.statements.length = 0

    const viewers = await Promise.all(streams.flatMap((check) => [check(arrived), check(arrived)]))
    expect(viewers.every((viewer) => viewer?.kind === 'staff')).toBe(true)
    expect(sessionReads()).toBe(1)
    // Events that arrived before that read started are answered by it.
    await streams[0]?.(arrived)
    expect(sessionReads()).toBe(1)

    await api.gql('mutation($input: StaffSignOutInput!) { staffSignOut(input: $input) { signedOut } }', {
      input: { refreshToken },
    })
    // An event after the sign-out is checked against the session as it is now, for every stream.
    const afterSignOut = arrivalMark()
    const after = await Promise.all(streams.map((check) => check(afterSignOut)))
    expect(after).toEqual(Array.from({ length: 20 }, () => null))
    expect(sessionReads()).toBe(2)
  })

  it('does not share between two sign-ins', async () => {
    const [first, second] = [await signedIn(), await signedIn()]
    testDb.statements.length = 0
    const arrived = arrivalMark()
    await Promise.all([
      sharedCredentialCheck(testDb.db, first.credential)(arrived),
      sharedCredentialCheck(testDb.db, second.credential)(arrived),
    ])
    expect(sessionReads()).toBe(2)
  })
})
