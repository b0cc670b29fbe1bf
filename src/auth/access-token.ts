import { errors, type JWTPayload, jwtVerify, SignJWT } from 'jose'
import { z } from 'zod'
import type { SignedInViewer, Viewer } from './viewer.js'

const ISSUER = 'comptoir'
const AUDIENCE = 'comptoir-api'

const claimsSchema = z.discriminatedUnion('typ', [
  z.object({
    sub: z.uuid(),
    typ: z.literal('staff'),
    role: z.enum(['ADMIN', 'MANAGER', 'ASSOCIATE']),
    store: z.uuid().nullable(),
  }),
  z.object({ sub: z.uuid(), typ: z.literal('customer') }),
])

export interface AccessTokenIssuer {
  issue(viewer: SignedInViewer): Promise<{ token: string; expiresAt: Date }>
  /** null for a token that is malformed, forged, expired or not ours. */
  verify(token: string): Promise<Viewer | null>
}

function claimsOf(viewer: SignedInViewer): { subject: string; claims: JWTPayload } {
  if (viewer.kind === 'customer') return { subject: viewer.customerId, claims: { typ: 'customer' } }
  return { subject: viewer.staffId, claims: { typ: 'staff', role: viewer.role, store: viewer.storeId } }
}

export function createAccessTokenIssuer(secret: string, ttlMinutes: number): AccessTokenIssuer {
  const key = new TextEncoder().encode(secret)
  return {
    async issue(viewer) {
      const expiresAt = new Date(Date.now() + ttlMinutes * 60_000)
      const { subject, claims } = claimsOf(viewer)
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(subject)
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
        const claims = parsed.data
        if (claims.typ === 'customer') return { kind: 'customer', customerId: claims.sub }
        return { kind: 'staff', staffId: claims.sub, role: claims.role, storeId: claims.store }
      } catch (error) {
        if (error instanceof errors.JOSEError) return null
        throw error
      }
    },
  }
}
