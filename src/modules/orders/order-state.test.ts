import { describe, expect, it } from 'vitest'
import type { Channel } from '../../db/database.js'
import { canAnnounceArrival, canHandOver, canTransition, ORDER_ACTORS, ORDER_STATUSES } from './order-state.js'

/** Written out by hand, not derived from the table: every allowed (from, to, actor); all else is refused. */
const CLICK_AND_COLLECT_ALLOWED = new Set([
  'PENDING_PAYMENT→PLACED by SYSTEM',
  'PENDING_PAYMENT→CANCELLED by CUSTOMER',
  'PENDING_PAYMENT→CANCELLED by STAFF',
  'PENDING_PAYMENT→CANCELLED by TERMINAL',
  'PENDING_PAYMENT→CANCELLED by SYSTEM',
  'PLACED→PREPARING by STAFF',
  'PLACED→PREPARING by TERMINAL',
  'PLACED→CANCELLED by CUSTOMER',
  'PLACED→CANCELLED by STAFF',
  'PLACED→CANCELLED by TERMINAL',
  'PLACED→CANCELLED by SYSTEM',
  'PREPARING→READY_FOR_PICKUP by STAFF',
  'PREPARING→READY_FOR_PICKUP by TERMINAL',
  'PREPARING→CANCELLED by STAFF',
  'PREPARING→CANCELLED by TERMINAL',
  'PREPARING→CANCELLED by SYSTEM',
  'READY_FOR_PICKUP→COLLECTED by STAFF',
  'READY_FOR_PICKUP→COLLECTED by TERMINAL',
  'READY_FOR_PICKUP→CANCELLED by STAFF',
  'READY_FOR_PICKUP→CANCELLED by TERMINAL',
  'READY_FOR_PICKUP→EXPIRED by SYSTEM',
])

const COUNTER_SALE_ALLOWED = new Set([
  'PENDING_PAYMENT→COLLECTED by STAFF',
  'PENDING_PAYMENT→COLLECTED by TERMINAL',
  'PENDING_PAYMENT→CANCELLED by STAFF',
  'PENDING_PAYMENT→CANCELLED by TERMINAL',
  'PENDING_PAYMENT→CANCELLED by SYSTEM',
])

const CHANNELS: readonly Channel[] = ['WEB', 'APP', 'KIOSK', 'POS']

const combinations = CHANNELS.flatMap((channel) =>
  ORDER_STATUSES.flatMap((from) =>
    ORDER_STATUSES.flatMap((to) => ORDER_ACTORS.map((actor) => [channel, from, to, actor] as const)),
  ),
)

describe('order transitions: every (channel, from, to, actor)', () => {
  it('covers 4 channels × 7 × 7 statuses × 4 actors', () => {
    expect(combinations).toHaveLength(4 * 7 * 7 * 4)
  })

  it.each(combinations)('%s: %s → %s by %s', (channel, from, to, actor) => {
    const expected = channel === 'POS' ? COUNTER_SALE_ALLOWED : CLICK_AND_COLLECT_ALLOWED
    expect(canTransition(from, to, channel, actor)).toBe(expected.has(`${from}→${to} by ${actor}`))
  })

  it('allows exactly the listed moves, no more', () => {
    const allowed = (channel: Channel) =>
      combinations
        .filter(([c, from, to, actor]) => c === channel && canTransition(from, to, channel, actor))
        .map(([, from, to, actor]) => `${from}→${to} by ${actor}`)
    expect(new Set(allowed('WEB'))).toEqual(CLICK_AND_COLLECT_ALLOWED)
    expect(new Set(allowed('POS'))).toEqual(COUNTER_SALE_ALLOWED)
  })
})

describe('hand-over against a pickup proof', () => {
  it.each(
    CHANNELS.flatMap((channel) =>
      ORDER_STATUSES.flatMap((status) => ORDER_ACTORS.map((actor) => [channel, status, actor] as const)),
    ),
  )('%s %s by %s', (channel, status, actor) => {
    const expected = channel !== 'POS' && status === 'READY_FOR_PICKUP' && (actor === 'STAFF' || actor === 'TERMINAL')
    expect(canHandOver({ status, channel }, actor)).toBe(expected)
  })
})

describe('arrival', () => {
  it.each(ORDER_STATUSES)('%s', (status) => {
    expect(canAnnounceArrival(status)).toBe(['PLACED', 'PREPARING', 'READY_FOR_PICKUP'].includes(status))
  })
})
