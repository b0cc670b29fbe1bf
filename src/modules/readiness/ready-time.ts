/**
 * The ready-time model, the one place that says how long a store takes to prepare an order.
 *
 * Why this shape: a store's own recent orders say more than any setting, but a few slow orders
 * (a missing item, a rush) must not move the promise, and a big basket takes longer than a small
 * one. So preparation time is a line, a fixed part per order plus a part per unit, fitted by the
 * Theil–Sen estimator (the median of the slopes between pairs of orders, which ignores outliers),
 * and the fixed part is the 75th percentile of what is left, so three orders in four are ready by
 * the promise. With fewer than MIN_SAMPLES orders the store's configured lead time stands in. The
 * orders placed or being prepared come first, prepared in slot order, `lanes` at a time (the store
 * has no staffing setting: its slot capacity, the orders it says it can hand over per slot, is taken
 * as how many it prepares side by side). Work happens only while the store is open, and an order's
 * own preparation is never split across a closure: it starts again at the next opening.
 */

/** Orders the learning looks at: the store's latest ready ones, within LEARNING_DAYS of the last. */
export const LEARNING_ORDERS = 50
export const LEARNING_DAYS = 14
/** Below this many ready orders the store's configured lead time is the estimate. */
export const MIN_SAMPLES = 5

export interface PreparationSample {
  seconds: number
  units: number
}

/** What a store has learned: preparation seconds = baseSeconds + perUnitSeconds × units. */
export interface PrepStats {
  baseSeconds: number
  perUnitSeconds: number
  samples: number
}

/** An order still to prepare, as the queue sees it. */
export interface QueuedOrder {
  id: string
  status: 'PLACED' | 'PREPARING'
  units: number
  slotStart: Date | null
  placedAt: Date
  /** When staff started it, for one being prepared. */
  preparingSince: Date | null
}

export interface Interval {
  start: Date
  end: Date
}

/** The preparation line fitted to a store's recent orders. */
export function learnPrepStats(samples: readonly PreparationSample[]): PrepStats {
  const slopes: number[] = []
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      const [a, b] = [samples[i]!, samples[j]!]
      if (a.units !== b.units) slopes.push((b.seconds - a.seconds) / (b.units - a.units))
    }
  }
  const perUnit = Math.max(0, slopes.length > 0 ? quantile(slopes, 0.5) : 0)
  const fixed = samples.map((sample) => sample.seconds - perUnit * sample.units)
  return {
    baseSeconds: Math.max(0, Math.round(fixed.length > 0 ? quantile(fixed, 0.75) : 0)),
    perUnitSeconds: Math.round(perUnit),
    samples: samples.length,
  }
}

/** Linear interpolation between the closest ranks. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const position = (sorted.length - 1) * q
  const below = Math.floor(position)
  const above = Math.min(below + 1, sorted.length - 1)
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below)
}

/** Seconds to prepare an order of `units`, from what was learned or, short of history, the lead time. */
export function preparationSeconds(stats: PrepStats | null, units: number, leadMinutes: number): number {
  if (!stats || stats.samples < MIN_SAMPLES) return leadMinutes * 60
  return stats.baseSeconds + stats.perUnitSeconds * units
}

/** The order staff work through the queue: those being prepared, then by slot, then first placed. */
export function queueOrder(a: QueuedOrder, b: QueuedOrder): number {
  if (a.status !== b.status) return a.status === 'PREPARING' ? -1 : 1
  return (
    time(a.slotStart) - time(b.slotStart) || a.placedAt.getTime() - b.placedAt.getTime() || a.id.localeCompare(b.id)
  )
}

function time(date: Date | null): number {
  return date ? date.getTime() : Number.POSITIVE_INFINITY
}

/** Seconds of work an order still needs: one being prepared has done some of it. */
export function remainingSeconds(order: QueuedOrder, prepSeconds: number, now: Date): number {
  if (!order.preparingSince) return prepSeconds
  return Math.max(0, prepSeconds - (now.getTime() - order.preparingSince.getTime()) / 1000)
}

/**
 * When an order is ready: `queueSeconds` of work ahead shared by `lanes`, then its own
 * `ownSeconds`, both only while the store is open; its own never across a closure. Null when no
 * open interval given can hold it.
 */
export function readyAt(
  open: readonly Interval[],
  now: Date,
  work: { queueSeconds: number; ownSeconds: number; lanes: number },
): Date | null {
  let queueMs = (work.queueSeconds * 1000) / Math.max(1, work.lanes)
  const ownMs = work.ownSeconds * 1000
  let cursor = now.getTime()
  for (const interval of open) {
    const end = interval.end.getTime()
    if (end <= cursor) continue
    const start = Math.max(cursor, interval.start.getTime())
    if (queueMs >= end - start) {
      queueMs -= end - start
      cursor = end
      continue
    }
    const ready = start + queueMs + ownMs
    queueMs = 0
    // Ready at the closing instant is ready when the store is closed: not a promise to make.
    if (ready < end) return new Date(ready)
    cursor = end
  }
  return null
}

/** At risk: still to prepare, and the estimate says it will not be ready when its slot starts. */
export function isAtRisk(order: { status: string; slotStart: Date | null }, estimate: Date | null): boolean {
  if (order.status !== 'PLACED' && order.status !== 'PREPARING') return false
  if (!order.slotStart) return false
  return estimate === null || estimate.getTime() > order.slotStart.getTime()
}

/** What an estimate needs of a store besides its queue. */
export interface StoreWork {
  stats: PrepStats | null
  leadMinutes: number
  lanes: number
  /** When the store is open, from now on (openIntervals). */
  open: readonly Interval[]
  now: Date
}

/** Each order still to prepare and when it should be ready, working through the queue in order. */
export function queueEstimates(queue: readonly QueuedOrder[], store: StoreWork): Map<string, Date | null> {
  const estimates = new Map<string, Date | null>()
  let aheadSeconds = 0
  for (const order of [...queue].sort(queueOrder)) {
    const own = remainingSeconds(order, preparationSeconds(store.stats, order.units, store.leadMinutes), store.now)
    estimates.set(
      order.id,
      readyAt(store.open, store.now, { queueSeconds: aheadSeconds, ownSeconds: own, lanes: store.lanes }),
    )
    aheadSeconds += own
  }
  return estimates
}

/**
 * When a new order of `units` would be ready: after every order being prepared and every placed
 * one whose slot starts no later than that (its own slot cannot start earlier, so those come
 * first). The estimate only grows as orders are added, so one pass in slot order settles it.
 */
export function newOrderReadyAt(queue: readonly QueuedOrder[], units: number, store: StoreWork): Date | null {
  const sorted = [...queue].sort(queueOrder)
  const ownSeconds = preparationSeconds(store.stats, units, store.leadMinutes)
  const remaining = (order: QueuedOrder) =>
    remainingSeconds(order, preparationSeconds(store.stats, order.units, store.leadMinutes), store.now)
  let aheadSeconds = 0
  for (const order of sorted) if (order.status === 'PREPARING') aheadSeconds += remaining(order)
  let estimate = readyAt(store.open, store.now, { queueSeconds: aheadSeconds, ownSeconds, lanes: store.lanes })
  for (const order of sorted) {
    if (order.status === 'PREPARING') continue
    if (!estimate || !order.slotStart || order.slotStart.getTime() > estimate.getTime()) break
    aheadSeconds += remaining(order)
    estimate = readyAt(store.open, store.now, { queueSeconds: aheadSeconds, ownSeconds, lanes: store.lanes })
  }
  return estimate
}
