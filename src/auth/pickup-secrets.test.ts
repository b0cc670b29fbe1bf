import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createPickupSecrets } from './pickup-secrets.js'

const secrets = createPickupSecrets('a server secret of thirty-two chars!!')

describe('pickup pass', () => {
  it('round-trips an order id', () => {
    const orderId = randomUUID()
    const pass = secrets.signPickupPass(orderId)
    expect(pass.length).toBeLessThan(60)
    expect(secrets.verifyPickupPass(pass)).toBe(orderId)
  })

  it('refuses altered, forged and malformed passes', () => {
    const pass = secrets.signPickupPass(randomUUID())
    const body = pass.split('.')[1]!
    const flipped = `${body.slice(0, 3)}${body[3] === 'A' ? 'B' : 'A'}${body.slice(4)}`
    expect(secrets.verifyPickupPass(`CP1.${flipped}`)).toBeNull()
    expect(createPickupSecrets('another secret of thirty-two chars!!').verifyPickupPass(pass)).toBeNull()
    expect(secrets.verifyPickupPass('CP1.')).toBeNull()
    expect(secrets.verifyPickupPass('garbage')).toBeNull()
    expect(secrets.verifyPickupPass(`${pass}.x`)).toBeNull()
  })
})

describe('pickup code', () => {
  it('is six digits and matches only its own order', () => {
    const code = secrets.newPickupCode()
    expect(code).toMatch(/^\d{6}$/)
    const orderId = randomUUID()
    const hash = secrets.hashPickupCode(orderId, code)
    expect(hash).not.toContain(code)
    expect(secrets.codeMatches(orderId, code, hash)).toBe(true)
    expect(secrets.codeMatches(randomUUID(), code, hash)).toBe(false)
    expect(secrets.codeMatches(orderId, code === '000000' ? '000001' : '000000', hash)).toBe(false)
  })
})
