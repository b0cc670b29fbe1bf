import { errors, jwtVerify, SignJWT } from 'jose'
import { z } from 'zod'
import type { Viewer } from './viewer.js'

const ISSUER = 'comptoir'
const AUDIENCE = 'comptoir-api'

const staffClaims = z.object({
  sub: z.uuid(),
  typ: z.literal('staff'),
  role: z.enum(['ADMIN', 'MANAGER', 'ASSOCIATE']),
  store: z.uuid().nullable(),
})

export interface AccessTokenIssuer {
  issue(viewer: Exclude<Viewer, { kind: 'anonymous' }>): Promise<{ token: string; expiresAt: Date }>
  /** null for a token that is malformed, forged, expired or not ours. */
  verify(token: string): Promise<Viewer | null>
}

export function createAccessTokenIssuer(secret: string, ttlMinutes: number): AccessTokenIssuer {
  const key = new TextEncoder().encode(secret)
  return {
    async issue(viewer) {
      const expiresAt = new Date(Date.now() + ttlMinutes * 60_000)
      const token = await new SignJWT({ typ: 'staff', role: viewer.role, store: viewer.storeId })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(viewer.staffId)
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
        const claims = staffClaims.safeParse(payload)
        if (!claims.success) return null
        return { kind: 'staff', staffId: claims.data.sub, role: claims.data.role, storeId: claims.data.store }
      } catch (error) {
        if (error instanceof errors.JOSEError) return null
        throw error
      }
    },
  }
}
