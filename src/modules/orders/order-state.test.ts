import { describe, expect, it } from 'vitest'
import { canTransition, ORDER_STATUSES } from './order-state.js'

const ALLOWED = new Set([
  'PENDING_PAYMENT→PLACED',
  'PENDING_PAYMENT→CANCELLED',
  'PLACED→PREPARING',
  'PLACED→CANCELLED',
  'PREPARING→READY_FOR_PICKUP',
  'PREPARING→CANCELLED',
  'READY_FOR_PICKUP→COLLECTED',
  'READY_FOR_PICKUP→CANCELLED',
  'READY_FOR_PICKUP→EXPIRED',
])

describe('order transitions', () => {
  const pairs = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as const))
  it.each(pairs)('%s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(ALLOWED.has(`${from}→${to}`))
  })
})
