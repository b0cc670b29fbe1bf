import { randomBytes } from 'node:crypto'
import { errors, jwtVerify, SignJWT } from 'jose'
import { z } from 'zod'
import { hashSecret } from '../modules/carts/cart.js'

const ISSUER = 'comptoir'
const AUDIENCE = 'comptoir-api'

/** Refresh tokens are recognisable by their prefix, so a leaked one is easy to find in a scan. */
const REFRESH_TOKEN_PREFIX = 'crt_'

/** Who a session belongs to. Role and store are not here: they are read from the database per request. */
export type SessionSubject = { kind: 'staff'; staffId: string } | { kind: 'customer'; customerId: string }

/** What a valid access token says: who, under which sign-in, until when. */
export interface AccessTokenClaims {
  subject: SessionSubject
  sessionId: string
  expiresAt: Date
}

export interface NewRefreshToken {
  token: string
  /** What is stored: the SHA-256 of 256 random bits, useless to whoever reads the table. */
  hash: string
  expiresAt: Date
}

export interface AccessTokenIssuer {
  issue(subject: SessionSubject, sessionId: string): Promise<{ token: string; expiresAt: Date }>
  /** null for a token that is malformed, forged, expired or not ours. */
  verify(token: string): Promise<AccessTokenClaims | null>
  newRefreshToken(): NewRefreshToken
}

export interface TokenLifetimes {
  accessTokenTtlMinutes: number
  refreshTokenTtlDays: number
}

const claimsSchema = z.object({
  sub: z.uuid(),
  typ: z.enum(['staff', 'customer']),
  sid: z.uuid(),
  exp: z.number(),
})

export function hashRefreshToken(token: string): string {
  return hashSecret(token)
}

export function createAccessTokenIssuer(secret: string, lifetimes: TokenLifetimes): AccessTokenIssuer {
  const key = new TextEncoder().encode(secret)
  return {
    async issue(subject, sessionId) {
      const expiresAt = new Date(Date.now() + lifetimes.accessTokenTtlMinutes * 60_000)
      const id = subject.kind === 'staff' ? subject.staffId : subject.customerId
      const token = await new SignJWT({ typ: subject.kind, sid: sessionId })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(id)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(expiresAt)
        .sign(key)
      return { token, expiresAt }
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] })
        const parsed = claimsSchema.safeParse(payload)
        if (!parsed.success) return null
        const { sub, typ, sid, exp } = parsed.data
        const subject: SessionSubject =
          typ === 'staff' ? { kind: 'staff', staffId: sub } : { kind: 'customer', customerId: sub }
        return { subject, sessionId: sid, expiresAt: new Date(exp * 1000) }
      } catch (error) {
        if (error instanceof errors.JOSEError) return null
        throw error
      }
    },
    newRefreshToken() {
      const token = `${REFRESH_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`
      const expiresAt = new Date(Date.now() + lifetimes.refreshTokenTtlDays * 24 * 60 * 60_000)
      return { token, hash: hashRefreshToken(token), expiresAt }
    },
  }
}
