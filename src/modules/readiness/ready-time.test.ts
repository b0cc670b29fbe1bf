import { describe, expect, it } from 'vitest'
import {
  isAtRisk,
  learnPrepStats,
  newOrderReadyAt,
  preparationSeconds,
  type QueuedOrder,
  queueEstimates,
  readyAt,
  type StoreWork,
} from './ready-time.js'

const at = (minutes: number) => new Date(Date.UTC(2026, 11, 8, 9, 0) + minutes * 60_000)
const open = [
  { start: at(0), end: at(60) },
  { start: at(120), end: at(180) },
]

describe('learnPrepStats', () => {
  it('fits a fixed part and a part per unit, and one slow order does not move them', () => {
    const clean = [1, 2, 3, 1, 2].map((units) => ({ units, seconds: 120 + 60 * units }))
    expect(learnPrepStats([...clean, { units: 2, seconds: 1800 }])).toEqual({
      baseSeconds: 120,
      perUnitSeconds: 60,
      samples: 6,
    })
  })

  it('keeps three orders in four within the promise when every order has the same size', () => {
    const samples = [100, 200, 300, 400, 500].map((seconds) => ({ units: 1, seconds }))
    expect(learnPrepStats(samples)).toEqual({ baseSeconds: 400, perUnitSeconds: 0, samples: 5 })
  })

  it('uses the lead time below five orders of history', () => {
    const stats = learnPrepStats([1, 2, 3, 4].map((units) => ({ units, seconds: 60 * units })))
    expect(preparationSeconds(stats, 3, 10)).toBe(600)
    expect(preparationSeconds(null, 3, 10)).toBe(600)
    expect(preparationSeconds({ ...stats, samples: 5 }, 3, 10)).toBe(stats.baseSeconds + 3 * stats.perUnitSeconds)
  })
})

describe('readyAt', () => {
  it('shares the queue between lanes and adds the order’s own time', () => {
    expect(readyAt(open, at(0), { queueSeconds: 1200, ownSeconds: 300, lanes: 2 })).toEqual(at(15))
  })

  it('carries the queue across a closure', () => {
    expect(readyAt(open, at(50), { queueSeconds: 1200, ownSeconds: 300, lanes: 1 })).toEqual(at(135))
  })

  it('starts the order’s own preparation again at the next opening rather than across a closure', () => {
    expect(readyAt(open, at(50), { queueSeconds: 0, ownSeconds: 600, lanes: 1 })).toEqual(at(130))
    // Ready exactly at closing time is ready when the store is closed.
    expect(readyAt(open, at(50), { queueSeconds: 0, ownSeconds: 599, lanes: 1 })).toEqual(
      new Date(at(60).getTime() - 1000),
    )
  })

  it('is null when no opening can hold it', () => {
    expect(readyAt(open, at(0), { queueSeconds: 0, ownSeconds: 3601, lanes: 1 })).toBeNull()
  })
})

describe('the queue', () => {
  const store: StoreWork = { stats: null, leadMinutes: 5, lanes: 1, open, now: at(0) }
  const order = (id: string, slot: number, extra: Partial<QueuedOrder> = {}): QueuedOrder => ({
    id,
    status: 'PLACED',
    units: 1,
    slotStart: at(slot),
    placedAt: at(-10),
    preparingSince: null,
    ...extra,
  })

  it('works through orders being prepared first, then by slot, counting what is already done', () => {
    const estimates = queueEstimates(
      [order('late', 40), order('early', 10), order('started', 50, { status: 'PREPARING', preparingSince: at(-2) })],
      store,
    )
    expect([...estimates]).toEqual([
      ['started', at(3)],
      ['early', at(8)],
      ['late', at(13)],
    ])
  })

  it('puts a new order after the orders due before it would be ready, not after later ones', () => {
    expect(newOrderReadyAt([order('due', 0), order('tomorrow', 1500)], 1, store)).toEqual(at(10))
    expect(newOrderReadyAt([], 1, store)).toEqual(at(5))
  })

  it('flags an order still to prepare whose estimate is after its slot start, never a ready one', () => {
    expect(isAtRisk({ status: 'PLACED', slotStart: at(10) }, at(11))).toBe(true)
    expect(isAtRisk({ status: 'PREPARING', slotStart: at(10) }, at(10))).toBe(false)
    expect(isAtRisk({ status: 'PLACED', slotStart: at(10) }, null)).toBe(true)
    expect(isAtRisk({ status: 'READY_FOR_PICKUP', slotStart: at(10) }, at(11))).toBe(false)
  })
})
