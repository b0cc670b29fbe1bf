import { createHash, randomInt, timingSafeEqual } from 'node:crypto'

/**
 * Crockford's base32 without I, L, O and U: nothing a customer reading a card aloud can confuse
 * (0/O, 1/I/L), and typed in either case.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const GROUPS = 4
const GROUP_LENGTH = 4

/**
 * A new code of 16 random characters (80 bits) in four groups, e.g. "K7QM-2XHD-9PZA-4RTB".
 * Guessing one among millions of cards still takes about 2^57 tries per hit.
 */
export function newGiftCardCode(): string {
  const groups = Array.from({ length: GROUPS }, () =>
    Array.from({ length: GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
  )
  return groups.join('-')
}

/**
 * The code as stored and compared: upper case, without spaces or dashes, with the letters people
 * type for digits read as those digits. null when it cannot be a code at all.
 */
export function normaliseGiftCardCode(input: string): string | null {
  const compact = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1')
  if (compact.length !== GROUPS * GROUP_LENGTH) return null
  for (const character of compact) if (!ALPHABET.includes(character)) return null
  return compact
}

/** The column a code is looked up by: its first group, which narrows the rows to a handful. */
export function lookupOf(normalisedCode: string): string {
  return normalisedCode.slice(0, GROUP_LENGTH)
}

/** What a receipt or the back office shows to tell cards apart: the last group. */
export function lastCharactersOf(normalisedCode: string): string {
  return normalisedCode.slice(-GROUP_LENGTH)
}

export function hashGiftCardCode(normalisedCode: string): string {
  return createHash('sha256').update(`comptoir:gift-card:${normalisedCode}`).digest('base64url')
}

/** Compares in constant time, so the response time says nothing about how close a guess was. */
export function giftCardCodeMatches(normalisedCode: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'base64url')
  const actual = Buffer.from(hashGiftCardCode(normalisedCode), 'base64url')
  return expected.length === actual.length && timingSafeEqual(actual, expected)
}
