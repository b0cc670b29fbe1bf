export const MIN_PASSWORD_LENGTH = 10
export const MAX_PASSWORD_LENGTH = 200

// The most common passwords of 10+ characters in public breach lists.
const COMMON = new Set([
  '1234567890',
  '12345678910',
  'qwertyuiop',
  'password123',
  'password1234',
  'azertyuiop',
  '1q2w3e4r5t',
  'iloveyou12',
  'motdepasse',
  'motdepasse1',
  'abcdefghij',
  '0123456789',
  'qwerty1234',
  'qwerty123456',
  'passwordpassword',
])

/** Why this password is too weak, or null when it will do (NIST 800-63B: length and blocklist). */
export function passwordWeakness(password: string, email: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`
  const lower = password.toLowerCase()
  if (new Set(lower).size < 4) return 'Use more different characters.'
  if (COMMON.has(lower)) return 'This password is too common.'
  if (lower.includes(email.split('@')[0]?.toLowerCase() || '\u0000')) return 'Do not use your email in the password.'
  return null
}
