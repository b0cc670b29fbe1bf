import { describe, expect, it } from 'vitest'
import { canActOnStore, canManageStore, storeOfViewer, type Viewer } from './viewer.js'

const staff = (role: 'ADMIN' | 'MANAGER' | 'ASSOCIATE', storeIds: string[]): Viewer => ({
  kind: 'staff',
  staffId: 'member',
  role,
  storeIds,
})
const terminal: Viewer = { kind: 'terminal', terminalId: 't', storeId: 'a', readerId: null }

describe('what a viewer may do in a store', () => {
  it('acts in every store as an admin, in each of its stores as a member, in its own as a terminal', () => {
    const cases: [Viewer, string, boolean, boolean][] = [
      [staff('ADMIN', []), 'z', true, true],
      [staff('MANAGER', ['a', 'b']), 'b', true, true],
      [staff('MANAGER', ['a', 'b']), 'c', false, false],
      [staff('ASSOCIATE', ['a', 'b']), 'b', true, false],
      [terminal, 'a', true, false],
      [terminal, 'b', false, false],
      [{ kind: 'customer', customerId: 'c' }, 'a', false, false],
      [{ kind: 'anonymous' }, 'a', false, false],
    ]
    for (const [viewer, storeId, acts, manages] of cases) {
      expect([canActOnStore(viewer, storeId), canManageStore(viewer, storeId)], JSON.stringify(viewer)).toEqual([
        acts,
        manages,
      ])
    }
  })

  it('implies a store only when there is exactly one', () => {
    expect(storeOfViewer(staff('ASSOCIATE', ['a']))).toBe('a')
    expect(storeOfViewer(staff('ASSOCIATE', ['a', 'b']))).toBeNull()
    expect(storeOfViewer(staff('ADMIN', []))).toBeNull()
    expect(storeOfViewer(terminal)).toBe('a')
    expect(storeOfViewer({ kind: 'anonymous' })).toBeNull()
  })
})
