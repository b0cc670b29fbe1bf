import type { StoreRow, TimeRange } from '../../db/database.js'
import {
  addDays,
  type LocalDate,
  parseClock,
  rangesOpeningOn,
  type StoreHours,
  storeHoursOf,
} from '../stores/opening-hours.js'

/** How far ahead a shopper may book: slots of ranges opening on today and the next 13 local days. */
export const MAX_BOOKING_DAYS = 14

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS
const MINUTES_PER_DAY = 24 * 60

export interface PickupSlot {
  start: Date
  end: Date
}

/** What decides a store's slots, whatever the day. */
export interface SlotRules extends StoreHours {
  timeZone: string
  slotMinutes: number
  preparationMinutes: number
}

export interface SlotWindow extends SlotRules {
  /** Slots start at or after this instant; the days are counted from its local date. */
  from: Date
  days: number
  now: Date
}

/** The store columns slots are computed from. */
export type SlotStore = Pick<
  StoreRow,
  'opening_hours' | 'special_days' | 'time_zone' | 'slot_minutes' | 'preparation_minutes'
>

export function slotRulesOf(store: SlotStore): SlotRules {
  return {
    ...storeHoursOf(store),
    timeZone: store.time_zone,
    slotMinutes: store.slot_minutes,
    preparationMinutes: store.preparation_minutes,
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** The wall clock at `instant` in `timeZone`, written as if it were a UTC instant (ms). */
function wallClockMs(instant: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(instant)
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value)
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'))
}

/**
 * The instant at which the clocks of `timeZone` read `minuteOfDay` (may exceed 1439: the next
 * days) on `date`. Null when that wall time is skipped (spring-forward gap); the earlier of the
 * two instants when it happens twice (fall-back).
 */
export function zonedWallTimeToInstant(date: LocalDate, minuteOfDay: number, timeZone: string): Date | null {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * MINUTE_MS
  // Every offset in force within a day either side; each gives one candidate to check.
  const offsets = new Set([-DAY_MS, 0, DAY_MS].map((shift) => offsetAt(wall + shift, timeZone)))
  if (offsets.size === 1) return new Date(wall - [...offsets][0]!)
  const matches = [...offsets].map((offset) => wall - offset).filter((at) => wallClockMs(at, timeZone) === wall)
  return matches.length === 0 ? null : new Date(Math.min(...matches))
}

/**
 * Every checkout asks for the local date of now and of its slot: from the offsets at the two ends
 * of the instant's UTC hour, which recur and are remembered, instead of an Intl call each time.
 * Where they differ (the hour of a clock change), Intl decides.
 */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  const at = instant.getTime()
  const hourStart = Math.floor(at / HOUR_MS) * HOUR_MS
  const offset = offsetAt(hourStart, timeZone)
  const wall = offset === offsetAt(hourStart + HOUR_MS, timeZone) ? at + offset : wallClockMs(at, timeZone)
  return toLocalDate(wall)
}

function toLocalDate(utcMs: number): LocalDate {
  const date = new Date(utcMs)
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() }
}

/**
 * Resolves wall minutes of `date` (up to two days on, for ranges past midnight) to instants, as
 * zonedWallTimeToInstant does but cheaper: Intl is slow, and most days have no clock change near
 * them, so one offset serves every minute; a day near one change finds its instant once.
 */
function wallTimeResolver(date: LocalDate, timeZone: string): (minute: number) => Date | null {
  const midnight = Date.UTC(date.year, date.month - 1, date.day)
  const samples = [-1, 0, 1, 2, 3].map((days) => midnight + days * DAY_MS)
  const offsets = samples.map((at) => offsetAt(at, timeZone))
  const changes = offsets.flatMap((offset, i) => (i > 0 && offset !== offsets[i - 1] ? [i] : []))
  const wallAt = (minute: number) => midnight + minute * MINUTE_MS
  if (changes.length === 0) return (minute) => new Date(wallAt(minute) - offsets[0]!)
  if (changes.length > 1) return (minute) => zonedWallTimeToInstant(date, minute, timeZone)
  const i = changes[0]!
  const [before, after] = [offsets[i - 1]!, offsets[i]!]
  const change = findOffsetChange(samples[i - 1]!, samples[i]!, before, timeZone)
  return (minute) => {
    const candidates = [wallAt(minute) - before, wallAt(minute) - after]
    const valid = candidates.filter((at, k) => (k === 0 ? at < change : at >= change))
    return valid.length === 0 ? null : new Date(Math.min(...valid))
  }
}

// Offsets never change for a given zone and instant; the same few samples recur on every request.
const offsetCache = new Map<string, number>()
const OFFSET_CACHE_LIMIT = 20_000

function offsetAt(instant: number, timeZone: string): number {
  const key = `${timeZone}@${instant}`
  let offset = offsetCache.get(key)
  if (offset === undefined) {
    offset = wallClockMs(instant, timeZone) - instant
    if (offsetCache.size >= OFFSET_CACHE_LIMIT) offsetCache.clear()
    offsetCache.set(key, offset)
  }
  return offset
}

/** The first whole second after `low` whose offset is no longer `before` (low's offset). */
function findOffsetChange(low: number, high: number, before: number, timeZone: string): number {
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000
    if (offsetAt(middle, timeZone) === before) low = middle
    else high = middle
  }
  return high
}

/**
 * The slots of one local day depend on nothing but the day, the zone, the slot length and the
 * ranges opening that day, and every checkout asks for the same few days of the same stores: remembered,
 * they cost a lookup instead of Intl calls and a Date per slot. Bounded; cleared when full.
 */
const slotsByDay = new Map<string, readonly PickupSlot[]>()
const SLOTS_BY_DAY_LIMIT = 2000

function slotsOfRangesOpeningOn(rules: SlotRules, date: LocalDate): readonly PickupSlot[] {
  const ranges = rangesOpeningOn(rules, date)
  const key = `${rules.timeZone}|${rules.slotMinutes}|${date.year}-${date.month}-${date.day}|${JSON.stringify(ranges)}`
  const known = slotsByDay.get(key)
  if (known) return known
  const slots = Object.freeze(computeSlotsOfRanges(rules, date, ranges).map((slot) => Object.freeze(slot)))
  if (slotsByDay.size >= SLOTS_BY_DAY_LIMIT) slotsByDay.clear()
  slotsByDay.set(key, slots)
  return slots
}

/**
 * The slots of every opening range that starts on `date`, a range past midnight included in full.
 * A slot is offered when its start and end wall times both exist and it fits in the range; its
 * end is start + slotMinutes of real time, so a slot across a clock change keeps its length.
 */
function computeSlotsOfRanges(rules: SlotRules, date: LocalDate, ranges: readonly TimeRange[]): PickupSlot[] {
  const slots: PickupSlot[] = []
  const instantAt = wallTimeResolver(date, rules.timeZone)
  for (const range of ranges) {
    const opens = parseClock(range.opens)
    const closesClock = parseClock(range.closes)
    const closes = closesClock <= opens ? closesClock + MINUTES_PER_DAY : closesClock
    const closeAt = instantAt(closes)
    for (let minute = opens; minute + rules.slotMinutes <= closes; minute += rules.slotMinutes) {
      const start = instantAt(minute)
      if (!start || !instantAt(minute + rules.slotMinutes)) continue
      const end = new Date(start.getTime() + rules.slotMinutes * MINUTE_MS)
      if (closeAt && end > closeAt) continue
      slots.push({ start, end })
    }
  }
  return slots
}

/**
 * The pickup slots of ranges opening on the `days` local days from the local date of `from`
 * (plus the previous day's range running past midnight), starting at or after `from` and after
 * the preparation time from `now`; sorted by start, without duplicates.
 */
export function computePickupSlots(window: SlotWindow): PickupSlot[] {
  if (!Number.isInteger(window.slotMinutes) || window.slotMinutes <= 0) {
    throw new RangeError(`slot length must be a positive whole number of minutes: ${window.slotMinutes}`)
  }
  const earliest = Math.max(window.from.getTime(), window.now.getTime() + window.preparationMinutes * MINUTE_MS)
  const firstDay = localDateOf(window.from, window.timeZone)
  const byStart = new Map<number, PickupSlot>()
  for (let offset = -1; offset < window.days; offset++) {
    for (const slot of slotsOfRangesOpeningOn(window, addDays(firstDay, offset))) {
      const start = slot.start.getTime()
      if (start >= earliest && !byStart.has(start)) byStart.set(start, slot)
    }
  }
  return [...byStart.values()].sort((a, b) => a.start.getTime() - b.start.getTime())
}

/** Every slot a shopper may book at `now`: the next MAX_BOOKING_DAYS local days. */
export function bookableSlots(rules: SlotRules, now: Date): PickupSlot[] {
  return computePickupSlots({ ...rules, from: now, days: MAX_BOOKING_DAYS, now })
}

/**
 * The bookable slot starting exactly at `slotStart`, or null (closed, too soon, too far, not
 * aligned). The same answer as searching bookableSlots, but it computes only the two local days
 * whose ranges can hold that start (its own, and the day before for a range past midnight)
 * rather than all fourteen: every checkout asks.
 */
export function findBookableSlot(rules: SlotRules, slotStart: Date, now: Date): PickupSlot | null {
  const start = slotStart.getTime()
  if (start < now.getTime() + rules.preparationMinutes * MINUTE_MS) return null
  const today = localDateOf(now, rules.timeZone)
  const slotDay = localDateOf(slotStart, rules.timeZone)
  for (const day of [addDays(slotDay, -1), slotDay]) {
    const offset = daysFrom(today, day)
    // bookableSlots covers the ranges opening from the day before today up to MAX_BOOKING_DAYS on.
    if (offset < -1 || offset >= MAX_BOOKING_DAYS) continue
    const found = slotsOfRangesOpeningOn(rules, day).find((slot) => slot.start.getTime() === start)
    if (found) return found
  }
  return null
}

function daysFrom(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / DAY_MS)
}

export function isBookableSlot(rules: SlotRules, slotStart: Date, now: Date): boolean {
  return findBookableSlot(rules, slotStart, now) !== null
}

/**
 * When the store is open from `from` over the ranges opening on the `days` local days from its
 * local date (and the day before's range past midnight), as instants: sorted, touching ranges
 * joined, the first one cut at `from`. A range whose opening or closing wall time does not exist
 * that day (spring-forward gap) is left out, as its slots are.
 */
export function openIntervals(
  rules: StoreHours & { timeZone: string },
  from: Date,
  days: number,
): { start: Date; end: Date }[] {
  const firstDay = localDateOf(from, rules.timeZone)
  const ranges: { start: number; end: number }[] = []
  for (let offset = -1; offset < days; offset++) {
    const date = addDays(firstDay, offset)
    const instantAt = wallTimeResolver(date, rules.timeZone)
    for (const range of rangesOpeningOn(rules, date)) {
      const opens = parseClock(range.opens)
      const closesClock = parseClock(range.closes)
      const start = instantAt(opens)
      const end = instantAt(closesClock <= opens ? closesClock + MINUTES_PER_DAY : closesClock)
      if (start && end && end.getTime() > from.getTime()) {
        ranges.push({ start: Math.max(start.getTime(), from.getTime()), end: end.getTime() })
      }
    }
  }
  ranges.sort((a, b) => a.start - b.start)
  const joined: { start: number; end: number }[] = []
  for (const range of ranges) {
    const last = joined[joined.length - 1]
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end)
    else joined.push({ ...range })
  }
  return joined.map((range) => ({ start: new Date(range.start), end: new Date(range.end) }))
}
