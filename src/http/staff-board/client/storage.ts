import type { Session } from './types.js'

/**
 * The session lives in this tab's sessionStorage only: it ends with the tab, and another tab or a
 * later visitor on a shared till does not inherit it.
 */
const SESSION_KEY = 'comptoir.board.session'
/** An admin's chosen store, kept for this tab so a reload returns to it. */
const STORE_KEY = 'comptoir.board.store'

export function loadSession(): Session | null {
  try {
    const session: Partial<Session> | null = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null')
    if (!session || typeof session.token !== 'string') return null
    if (!(Date.parse(String(session.expiresAt)) > Date.now())) return null
    return session as Session
  } catch {
    return null
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session))
}

export function clearSession(): void {
  sessionStorage.removeItem(SESSION_KEY)
  sessionStorage.removeItem(STORE_KEY)
}

export function savedStoreId(): string | null {
  return sessionStorage.getItem(STORE_KEY)
}

export function saveStoreId(storeId: string): void {
  sessionStorage.setItem(STORE_KEY, storeId)
}

export function forgetStoreId(): void {
  sessionStorage.removeItem(STORE_KEY)
}
