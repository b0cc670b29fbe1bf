import {
  type AccessTokenClaims,
  type AccessTokenIssuer,
  hashRefreshToken,
  type SessionSubject,
} from '../../auth/access-token.js'
import type { Viewer } from '../../auth/viewer.js'
import type { Db } from '../../db/create-db.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import { InvalidRefreshTokenError } from './session.errors.js'
import * as sessionRepository from './session.repository.js'

export interface SessionTokens {
  accessToken: string
  accessTokenExpiresAt: Date
  refreshToken: string
  refreshTokenExpiresAt: Date
}

/** Opens a session for someone who has just proved who they are; its first pair of tokens. */
export async function startSession(db: Db, issuer: AccessTokenIssuer, subject: SessionSubject): Promise<SessionTokens> {
  const refresh = issuer.newRefreshToken()
  const sessionId = await inTransaction(db, async (trx) => {
    const session = await sessionRepository.insertSession(trx, {
      staffId: subject.kind === 'staff' ? subject.staffId : null,
      customerId: subject.kind === 'customer' ? subject.customerId : null,
    })
    await sessionRepository.insertRefreshToken(trx, { sessionId: session.id, ...refresh })
    return session.id
  })
  const access = await issuer.issue(subject, sessionId)
  return tokensOf(access, refresh)
}

/**
 * Trades a live refresh token for a new pair and retires it. A token presented again after
 * being retired was copied: the whole session (every token descended from its sign-in) is
 * revoked. Spending the token is one conditional UPDATE, so parallel refreshes with one token
 * get at most one successor, and the loser's reuse then revokes the family.
 */
export async function refreshSession(
  db: Db,
  issuer: AccessTokenIssuer,
  presented: string,
): Promise<SessionTokens & { viewer: Viewer }> {
  const hash = hashRefreshToken(presented)
  const rotated = await inTransaction(db, async (trx) => {
    const spent = await sessionRepository.spendRefreshToken(trx, hash)
    const live = spent ? await liveViewerOfSession(trx, spent.session_id) : null
    if (!spent || !live) return null
    const refresh = issuer.newRefreshToken()
    await sessionRepository.insertRefreshToken(trx, { sessionId: spent.session_id, ...refresh })
    return { sessionId: spent.session_id, refresh, ...live }
  })
  if (!rotated) {
    await revokeIfSpent(db, hash)
    throw new InvalidRefreshTokenError()
  }
  const access = await issuer.issue(rotated.subject, rotated.sessionId)
  return { ...tokensOf(access, rotated.refresh), viewer: rotated.viewer }
}

/** Ends the session a refresh token belongs to, if it is one of `kind`'s; signing out twice is fine. */
export async function endSessionOfRefreshToken(db: Db, presented: string, kind: SessionSubject['kind']): Promise<void> {
  const token = await sessionRepository.findRefreshToken(db, hashRefreshToken(presented))
  const owned = kind === 'staff' ? token?.staff_id : token?.customer_id
  if (!token || !owned) throw new InvalidRefreshTokenError()
  await sessionRepository.revokeSession(db, token.session_id)
}

/** Ends every session of the customer, inside the caller's transaction (an erasure). */
export function endSessionsOfCustomer(trx: Trx, customerId: string): Promise<void> {
  return sessionRepository.revokeSessionsOfCustomer(trx, customerId)
}

/**
 * Ends the member's sessions, inside the caller's transaction (a deactivation, a new password),
 * but `keptSessionId`: the one that changed its own password stays signed in.
 */
export function endSessionsOfStaff(trx: Trx, staffId: string, keptSessionId: string | null = null): Promise<void> {
  return sessionRepository.revokeSessionsOfStaff(trx, staffId, keptSessionId)
}

export function endSession(db: Db, sessionId: string): Promise<void> {
  return sessionRepository.revokeSession(db, sessionId)
}

/**
 * The viewer an access token stands for now: one indexed read checks that its session is not
 * signed out and its staff member still active, and gives their current role and stores.
 */
export async function viewerOfAccessToken(db: Db, claims: AccessTokenClaims): Promise<Viewer | null> {
  if (claims.expiresAt.getTime() <= Date.now()) return null
  const subject = claims.subject
  if (subject.kind === 'customer') {
    const live = await sessionRepository.findLiveCustomerOfSession(db, claims.sessionId, subject.customerId)
    return live ? { kind: 'customer', customerId: live.customer_id } : null
  }
  const staff = await sessionRepository.findLiveStaffOfSession(db, claims.sessionId, subject.staffId)
  return staff ? { kind: 'staff', staffId: staff.staff_id, role: staff.role, storeIds: staff.store_ids } : null
}

async function liveViewerOfSession(
  trx: Trx,
  sessionId: string,
): Promise<{ subject: SessionSubject; viewer: Viewer } | null> {
  const staff = await sessionRepository.findLiveStaffOfSession(trx, sessionId)
  if (staff) {
    return {
      subject: { kind: 'staff', staffId: staff.staff_id },
      viewer: { kind: 'staff', staffId: staff.staff_id, role: staff.role, storeIds: staff.store_ids },
    }
  }
  const customer = await sessionRepository.findLiveCustomerOfSession(trx, sessionId)
  if (!customer) return null
  return {
    subject: { kind: 'customer', customerId: customer.customer_id },
    viewer: { kind: 'customer', customerId: customer.customer_id },
  }
}

async function revokeIfSpent(db: Db, hash: string): Promise<void> {
  const token = await sessionRepository.findRefreshToken(db, hash)
  if (token?.used_at) await sessionRepository.revokeSession(db, token.session_id)
}

function tokensOf(
  access: { token: string; expiresAt: Date },
  refresh: { token: string; expiresAt: Date },
): SessionTokens {
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken: refresh.token,
    refreshTokenExpiresAt: refresh.expiresAt,
  }
}
