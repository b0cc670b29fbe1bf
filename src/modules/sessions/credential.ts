import type { AccessTokenClaims, AccessTokenIssuer } from '../../auth/access-token.js'
import { anonymous, type Viewer } from '../../auth/viewer.js'
import type { Db } from '../../db/create-db.js'
import { isTerminalKey, viewerOfTerminalKey } from '../terminals/terminal.service.js'
import { viewerOfAccessToken } from './session.service.js'

/**
 * What a request presented to say who it is. Kept beside the viewer so that a long-lived
 * subscription can ask again, on every event, whether it still holds.
 */
export type Credential =
  | { kind: 'none' }
  | { kind: 'access-token'; claims: AccessTokenClaims }
  | { kind: 'terminal-key'; key: string }

const NO_CREDENTIAL: Credential = { kind: 'none' }

/** The credential an Authorization header carries; null when it is not a valid one of ours. */
export async function credentialOf(
  authorization: string | null,
  issuer: AccessTokenIssuer,
): Promise<Credential | null> {
  if (!authorization) return NO_CREDENTIAL
  const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1]
  if (!token) return null
  if (isTerminalKey(token)) return { kind: 'terminal-key', key: token }
  const claims = await issuer.verify(token)
  return claims ? { kind: 'access-token', claims } : null
}

/**
 * Who the credential stands for right now, read from the database (an anonymous caller costs
 * nothing): null once the token has expired, its session was signed out or revoked, its staff
 * member deactivated, or the terminal revoked.
 */
export function viewerOfCredential(db: Db, credential: Credential): Promise<Viewer | null> {
  if (credential.kind === 'none') return Promise.resolve(anonymous)
  if (credential.kind === 'terminal-key') return viewerOfTerminalKey(db, credential.key)
  return viewerOfAccessToken(db, credential.claims)
}

/** When the credential stops being valid by itself; null for those that do not expire. */
export function expiryOfCredential(credential: Credential): Date | null {
  return credential.kind === 'access-token' ? credential.claims.expiresAt : null
}
