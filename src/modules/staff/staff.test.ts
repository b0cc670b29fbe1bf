import { describe, expect, it } from 'vitest'
import { assertMayAssign, assertMayChange, assertMayDeactivate, checkedAssignment, type StaffManager } from './staff.js'
import { hashLinkSecret, linkSecretMatches, linkTokenOf, newLinkSecret, parseLinkToken } from './staff-link.js'

const [A, B, C] = ['store-a', 'store-b', 'store-c']
const admin: StaffManager = { staffId: 'admin', role: 'ADMIN', storeIds: [] }
const manager: StaffManager = { staffId: 'manager', role: 'MANAGER', storeIds: [A, B] }
const associate: StaffManager = { staffId: 'associate', role: 'ASSOCIATE', storeIds: [A] }

const codeOf = (work: () => unknown): string => {
  try {
    work()
    return 'OK'
  } catch (error) {
    const entries = (error as { userErrors?: () => { code: string; field: string[] | null }[] }).userErrors?.()
    return entries ? `${entries[0]?.code} ${entries[0]?.field?.join('.')}` : String(error)
  }
}

describe('the staff rules', () => {
  it('fits stores to the role: none for admins, one to fifty for others, repeats dropped', () => {
    expect(checkedAssignment('ASSOCIATE', [A, A, B])).toEqual({ role: 'ASSOCIATE', storeIds: [A, B] })
    expect(checkedAssignment('ADMIN', [])).toEqual({ role: 'ADMIN', storeIds: [] })
    expect(codeOf(() => checkedAssignment('ADMIN', [A]))).toBe('INVALID_STAFF_STORES storeIds')
    expect(codeOf(() => checkedAssignment('MANAGER', []))).toBe('INVALID_STAFF_STORES storeIds')
    const many = Array.from({ length: 51 }, (_, i) => `store-${i}`)
    expect(codeOf(() => checkedAssignment('ASSOCIATE', many))).toBe('INVALID_STAFF_STORES storeIds')
  })

  it('lets a manager give only the associate role, only in their stores; an admin anything', () => {
    const table: [StaffManager, Parameters<typeof assertMayAssign>[1], string][] = [
      [admin, { role: 'ADMIN', storeIds: [] }, 'OK'],
      [admin, { role: 'MANAGER', storeIds: [C] }, 'OK'],
      [manager, { role: 'ASSOCIATE', storeIds: [A, B] }, 'OK'],
      [manager, { role: 'ASSOCIATE', storeIds: [A, C] }, 'OUTSIDE_YOUR_STORES storeIds'],
      [manager, { role: 'MANAGER', storeIds: [A] }, 'ROLE_NOT_ALLOWED role'],
      [manager, { role: 'ADMIN', storeIds: [] }, 'ROLE_NOT_ALLOWED role'],
      [associate, { role: 'ASSOCIATE', storeIds: [A] }, 'ROLE_NOT_ALLOWED role'],
    ]
    for (const [who, wanted, expected] of table) {
      expect(
        codeOf(() => assertMayAssign(who, wanted)),
        `${who.role} → ${JSON.stringify(wanted)}`,
      ).toBe(expected)
    }
  })

  it('lets a manager change only associates all of whose stores are theirs', () => {
    expect(codeOf(() => assertMayChange(manager, { role: 'ASSOCIATE', storeIds: [B] }))).toBe('OK')
    expect(codeOf(() => assertMayChange(manager, { role: 'ASSOCIATE', storeIds: [B, C] }))).toBe(
      'OUTSIDE_YOUR_STORES staffId',
    )
    expect(codeOf(() => assertMayChange(manager, { role: 'MANAGER', storeIds: [A] }))).toBe('ROLE_NOT_ALLOWED staffId')
    expect(codeOf(() => assertMayChange(manager, { role: 'ADMIN', storeIds: [] }))).toBe('ROLE_NOT_ALLOWED staffId')
    expect(codeOf(() => assertMayChange(admin, { role: 'ADMIN', storeIds: [] }))).toBe('OK')
  })

  it('refuses deactivating oneself, whatever the role', () => {
    const self = {
      id: 'admin',
      email: 'a@x',
      name: 'A',
      password_hash: null,
      active: true,
      created_at: new Date(),
      locale: null,
    }
    expect(codeOf(() => assertMayDeactivate(admin, { ...self, role: 'ADMIN', storeIds: [] }))).toBe(
      'SELF_DEACTIVATION staffId',
    )
  })
})

describe('password links', () => {
  it('carries the row id and a 256-bit secret, of which only a hash is kept', () => {
    const { secret, secretHash } = newLinkSecret()
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32)
    expect(secretHash).toBe(hashLinkSecret(secret))
    expect(secretHash).not.toBe(secret)
    const id = '6f1c2b9e-0000-4000-8000-000000000001'
    expect(parseLinkToken(linkTokenOf(id, secret))).toEqual({ tokenId: id, secret })
    expect(linkSecretMatches(secret, secretHash)).toBe(true)
    expect(linkSecretMatches(`${secret.slice(0, -1)}x`, secretHash)).toBe(false)
    expect(linkSecretMatches(secret, '')).toBe(false)
    for (const bad of ['', id, `${id}.`, `${id}.${secret}.x`, `not-a-uuid.${secret}`, `${id}.short`]) {
      expect(parseLinkToken(bad), bad).toBeNull()
    }
  })
})
