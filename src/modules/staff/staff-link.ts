import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { StaffPasswordTokenPurpose } from '../../db/database.js'
import { isUuid } from '../shared/uuid.js'

/** How long a link to set a password works: days for a newcomer's invite, an hour for a reset. */
export const LINK_LIFETIME_MS: Record<StaffPasswordTokenPurpose, number> = {
  INVITE: 72 * 60 * 60 * 1000,
  RESET: 60 * 60 * 1000,
}

/** A fresh secret of 256 random bits, and the only form of it the database keeps. */
export function newLinkSecret(): { secret: string; secretHash: string } {
  const secret = randomBytes(32).toString('base64url')
  return { secret, secretHash: hashLinkSecret(secret) }
}

export function hashLinkSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url')
}

/** The token a link carries: the row to read, then the secret that proves the link was received. */
export function linkTokenOf(tokenId: string, secret: string): string {
  return `${tokenId}.${secret}`
}

export function parseLinkToken(token: string): { tokenId: string; secret: string } | null {
  const [tokenId, secret, ...rest] = token.split('.')
  if (!tokenId || !secret || rest.length > 0 || !isUuid(tokenId) || !/^[\w-]{43}$/.test(secret)) return null
  return { tokenId, secret }
}

/** Compares in constant time, so the response time says nothing about how much of a guess was right. */
export function linkSecretMatches(secret: string, secretHash: string): boolean {
  const expected = Buffer.from(secretHash, 'base64url')
  const actual = Buffer.from(hashLinkSecret(secret), 'base64url')
  return expected.length === actual.length && timingSafeEqual(actual, expected)
}
