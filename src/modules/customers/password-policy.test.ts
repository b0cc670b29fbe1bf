import { describe, expect, it } from 'vitest'
import { passwordWeakness } from './password-policy.js'

describe('passwordWeakness', () => {
  it.each([
    ['short1!', /at least 10/],
    ['aaaaaaaaaaaa', /different characters/],
    ['Password123', /too common/],
    ['alice-rocks-2026', /email/],
  ])('refuses %s', (password, reason) => {
    expect(passwordWeakness(password, 'alice@example.com')).toMatch(reason)
  })

  it('accepts a long, varied password', () => {
    expect(passwordWeakness('correct horse battery', 'alice@example.com')).toBeNull()
  })
})
