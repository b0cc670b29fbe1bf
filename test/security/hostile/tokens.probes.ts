import type { Caller, GraphQLAnswer, HostileHttp } from './http.js'
import { at, stringAt } from './json.js'
import type { Probe } from './probe.js'
import { ACCOUNTS } from './world.js'

/** The bound on an access token's life, with a minute of clock skew. */
const MAX_ACCESS_TOKEN_MINUTES = 15 + 1

/** A field the issue names that the server does not have yet (GraphQL validation refuses it). */
function missingApi(answer: GraphQLAnswer, name: string): string[] {
  const refused = answer.errors.find(
    (error) => error.code === 'GRAPHQL_VALIDATION_FAILED' && error.message.toLowerCase().includes(name.toLowerCase()),
  )
  return refused ? [`missing API: ${name} (${refused.message})`] : []
}

interface Session {
  accessToken: string
  refreshToken: string
}

async function staffSession(http: HostileHttp, caller: Caller): Promise<Session | { missing: string[] }> {
  const answer = await http.gql(
    `mutation($input: StaffSignInInput!) { staffSignIn(input: $input) {
       accessToken refreshToken accessTokenExpiresAt userErrors { code } } }`,
    { input: ACCOUNTS.manager },
    caller,
  )
  const missing = missingApi(answer, 'refreshToken')
  if (missing.length > 0) return { missing }
  const accessToken = stringAt(answer.data, 'staffSignIn', 'accessToken')
  const refreshToken = stringAt(answer.data, 'staffSignIn', 'refreshToken')
  if (!accessToken || !refreshToken) throw new Error(`staffSignIn gave no token pair: ${answer.text.slice(0, 300)}`)
  return { accessToken, refreshToken }
}

async function refresh(http: HostileHttp, refreshToken: string, caller: Caller) {
  const answer = await http.gql(
    `mutation($input: TokenRefreshInput!) { tokenRefresh(input: $input) {
       accessToken refreshToken userErrors { code } } }`,
    { input: { refreshToken } },
    caller,
  )
  return {
    answer,
    accessToken: stringAt(answer.data, 'tokenRefresh', 'accessToken'),
    refreshToken: stringAt(answer.data, 'tokenRefresh', 'refreshToken'),
  }
}

async function signInExpiry(http: HostileHttp, field: 'accessTokenExpiresAt' | 'expiresAt') {
  const answer = await http.gql(
    `mutation($input: StaffSignInInput!) { staffSignIn(input: $input) { ${field} userErrors { code } } }`,
    { input: ACCOUNTS.manager },
    { address: http.newAddress() },
  )
  return { answer, expiresAt: stringAt(answer.data, 'staffSignIn', field) }
}

export const shortAccessTokens: Probe = {
  name: 'access tokens live at most 15 minutes',
  item: 4,
  async run({ http }) {
    const findings: string[] = []
    let expiry = await signInExpiry(http, 'accessTokenExpiresAt')
    if (!expiry.expiresAt) {
      findings.push(...missingApi(expiry.answer, 'accessTokenExpiresAt'))
      expiry = await signInExpiry(http, 'expiresAt')
    }
    if (!expiry.expiresAt) throw new Error(`staffSignIn gave no expiry: ${expiry.answer.text.slice(0, 300)}`)
    const minutes = (Date.parse(expiry.expiresAt) - Date.now()) / 60_000
    if (minutes > MAX_ACCESS_TOKEN_MINUTES) {
      findings.push(
        `a staff access token lives ${Math.round(minutes)} minutes (at most 15 wanted, with refresh tokens)`,
      )
    }
    return findings
  },
}

export const refreshTokenReuse: Probe = {
  name: 'reusing a rotated refresh token revokes its family',
  item: 4,
  async run({ http }) {
    const caller = { address: http.newAddress() }
    const session = await staffSession(http, caller)
    if ('missing' in session) return session.missing
    const rotated = await refresh(http, session.refreshToken, caller)
    if (!rotated.refreshToken) {
      const missing = missingApi(rotated.answer, 'tokenRefresh')
      return missing.length > 0 ? missing : [`tokenRefresh gave no new pair: ${rotated.answer.text.slice(0, 200)}`]
    }
    const findings: string[] = []
    const replay = await refresh(http, session.refreshToken, caller)
    if (replay.accessToken) findings.push('an already-rotated refresh token was accepted again')
    const afterTheft = await refresh(http, rotated.refreshToken, caller)
    if (afterTheft.accessToken) {
      findings.push('after a rotated refresh token was reused, the newest token of its family still works')
    }
    return findings
  },
}

export const staffSignOutEndsSession: Probe = {
  name: 'staffSignOut ends the session',
  item: 4,
  async run({ http }) {
    const caller = { address: http.newAddress() }
    const session = await staffSession(http, caller)
    if ('missing' in session) return session.missing
    return signOutFindings(http, 'staffSignOut', 'StaffSignOutInput', session, caller)
  },
}

export const customerSignOutEndsSession: Probe = {
  name: 'customerSignOut ends the session',
  item: 4,
  async run({ http, world }) {
    const caller = { address: http.newAddress() }
    const customer = await world.signUpCustomer()
    const answer = await http.gql(
      `mutation($input: CustomerSignInInput!) { customerSignIn(input: $input) {
         accessToken refreshToken userErrors { code } } }`,
      { input: { email: customer.email, password: customer.password } },
      caller,
    )
    const missing = missingApi(answer, 'refreshToken')
    if (missing.length > 0) return missing
    const accessToken = stringAt(answer.data, 'customerSignIn', 'accessToken')
    const refreshToken = stringAt(answer.data, 'customerSignIn', 'refreshToken')
    if (!accessToken || !refreshToken)
      throw new Error(`customerSignIn gave no token pair: ${answer.text.slice(0, 300)}`)
    return signOutFindings(http, 'customerSignOut', 'CustomerSignOutInput', { accessToken, refreshToken }, caller)
  },
}

async function signOutFindings(
  http: HostileHttp,
  mutation: 'staffSignOut' | 'customerSignOut',
  inputType: string,
  session: Session,
  caller: Caller,
): Promise<string[]> {
  const signedOut = await http.gql(
    `mutation($input: ${inputType}!) { ${mutation}(input: $input) { userErrors { code } } }`,
    { input: { refreshToken: session.refreshToken } },
    { ...caller, token: session.accessToken },
  )
  const missing = missingApi(signedOut, mutation)
  if (missing.length > 0) return missing
  if (at(signedOut.data, mutation) == null) throw new Error(`${mutation} failed: ${signedOut.text.slice(0, 300)}`)
  const after = await refresh(http, session.refreshToken, caller)
  return after.accessToken ? [`after ${mutation}, its refresh token still gives new access tokens`] : []
}
