import { describe, expect, it } from 'vitest'
import { timeOrderedUuid } from './time-ordered-uuid.js'
import { isUuid } from './uuid.js'

describe('timeOrderedUuid', () => {
  it('is a version 7 UUID carrying its millisecond', () => {
    const id = timeOrderedUuid(Date.UTC(2040, 11, 6, 6, 30))
    expect(isUuid(id)).toBe(true)
    expect(id[14]).toBe('7')
    expect(['8', '9', 'a', 'b']).toContain(id[19])
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2040, 11, 6, 6, 30))
  })

  it('sorts in the order it was made, even past 4,096 ids in one millisecond or a clock going back', () => {
    const now = Date.UTC(2050, 0, 1)
    const ids = [
      ...Array.from({ length: 5000 }, () => timeOrderedUuid(now)),
      ...Array.from({ length: 10 }, () => timeOrderedUuid(now - 1000)),
      timeOrderedUuid(now + 60_000),
    ]
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
