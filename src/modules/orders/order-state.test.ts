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

const COUNTER_SALE_ALLOWED = new Set(['PENDING_PAYMENT→COLLECTED', 'PENDING_PAYMENT→CANCELLED'])

const pairs = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as const))

describe('order transitions', () => {
  it.each(pairs)('%s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(ALLOWED.has(`${from}→${to}`))
    expect(canTransition(from, to, 'APP')).toBe(ALLOWED.has(`${from}→${to}`))
  })
})

describe('counter sale transitions', () => {
  it.each(pairs)('%s → %s', (from, to) => {
    expect(canTransition(from, to, 'POS')).toBe(COUNTER_SALE_ALLOWED.has(`${from}→${to}`))
  })
})
