import { byId } from './dom.js'
import { AuthError, gql, type TokenPayload } from './graphql.js'
import { t } from './i18n.js'
import { state, stopBoard } from './state.js'
import { clearSession, saveSession } from './storage.js'
import type { Session } from './types.js'
import { show } from './view.js'

/** The signed-in session: its tokens and their renewal, and the ways out of it. */

const SESSION_ENDED = t.sessionEnded

export function showSignIn(message: string): void {
  show('sign-in-view')
  byId('sign-in-error').textContent = message || ''
  byId('sign-in-email').focus()
}

/** The session a sign-in or renewal answers, or null when it answered no token. */
export function sessionFrom(payload: TokenPayload): Session | null {
  if (!payload.accessToken || !payload.expiresAt) return null
  return { token: payload.accessToken, expiresAt: payload.expiresAt, refreshToken: payload.refreshToken }
}

/** Access tokens last minutes: a minute before this one expires, it is traded for a new pair. */
export function startSession(session: Session): void {
  state.session = session
  saveSession(session)
  clearTimeout(state.expiryTimer)
  const left = Math.min(Math.max(Date.parse(session.expiresAt) - Date.now() - 60000, 0), 2147483647)
  state.expiryTimer = setTimeout(renewSession, left)
}

async function renewSession(): Promise<void> {
  const refreshToken = state.session?.refreshToken
  if (!refreshToken) return signOut(SESSION_ENDED)
  try {
    const payload = (await gql('renew', { input: { refreshToken } }, null)).tokenRefresh
    const renewed = sessionFrom(payload)
    if (!renewed) return signOut(SESSION_ENDED)
    startSession(renewed)
  } catch (error) {
    // A network blip: try again shortly, while the token still holds.
    if (!handleFailure(error)) state.expiryTimer = setTimeout(renewSession, 5000)
  }
}

export function signOut(message: string): void {
  stopBoard()
  clearTimeout(state.expiryTimer)
  clearSession()
  state.session = null
  state.staff = null
  showSignIn(message)
}

/** Signs out on an expired or refused token (returns true); otherwise shows the message. */
export function handleFailure(error: unknown, line?: HTMLElement): boolean {
  if (error instanceof AuthError) {
    signOut(error.message)
    return true
  }
  if (line) line.textContent = error instanceof Error ? error.message : String(error)
  return false
}

/** The sign-out button: the server ends the session too, so its refresh token is dead if copied. */
export function endSessionAndSignOut(): void {
  const refreshToken = state.session?.refreshToken
  if (refreshToken) gql('signOut', { input: { refreshToken } }, null).catch(() => {})
  signOut('')
}
