// The input rules of a store's settings, pure, for the API and any other writer alike.
import type { TimeRange, WeeklyHours } from '../../db/database.js'
import {
  addDays,
  isClock,
  type LocalDate,
  parseClock,
  parseDateKey,
  WEEKDAYS,
  type WeekdayKey,
} from './opening-hours.js'

/** One problem with an input: where it is (a path into the input) and what is wrong. */
export interface InputProblem {
  field: string[]
  message: string
}

/** The store.code CHECK: upper-case letters, digits and dashes, as on a label. */
export const STORE_CODE_PATTERN = /^[A-Z0-9-]{2,16}$/

/**
 * Bounds of the pickup settings. Slots shorter than 5 minutes make thousands a day to compute for
 * every listing; a hold is at most 144 hours because an online card authorisation must still be
 * capturable at collection (the store_hold_within_card_authorisation CHECK); a lead of 0 is a
 * counter that hands over at once.
 */
export const PICKUP_SETTING_BOUNDS = {
  slotMinutes: { min: 5, max: 240 },
  capacityPerSlot: { min: 1, max: 10_000 },
  leadMinutes: { min: 0, max: 2_880 },
  holdHours: { min: 1, max: 144 },
} as const

/** More than this many ranges in a day is a typing error, not a shop. */
export const MAX_RANGES_PER_DAY = 6
/** Special days may be set this far ahead of the store's today, and no further. */
export const MAX_SPECIAL_DAYS_AHEAD = 731

const MINUTES_PER_DAY = 24 * 60
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
// An IANA name (Europe/Paris, UTC, Etc/GMT+1), not an offset such as +01:00 that newer Intl accepts.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/

/** Null when `timeZone` is an IANA zone this runtime knows; the slots and hours need its rules. */
export function timeZoneProblem(timeZone: string, field: string[]): InputProblem | null {
  const problem = { field, message: `${JSON.stringify(timeZone)} is not an IANA time zone such as Europe/Paris.` }
  if (!ZONE_NAME.test(timeZone)) return problem
  try {
    new Intl.DateTimeFormat('en', { timeZone })
    return null
  } catch {
    return problem
  }
}

/**
 * The first problem with one day's ranges: each "HH:MM" to "HH:MM" (a close at or before the open
 * is on the next day, the same time is 24 hours), at most MAX_RANGES_PER_DAY, none overlapping.
 */
export function dayRangesProblem(ranges: readonly TimeRange[], field: string[]): InputProblem | null {
  if (ranges.length > MAX_RANGES_PER_DAY) {
    return { field, message: `At most ${MAX_RANGES_PER_DAY} opening ranges a day.` }
  }
  const badClock = ranges.findIndex((range) => !isClock(range.opens) || !isClock(range.closes))
  if (badClock >= 0) {
    return { field: [...field, String(badClock)], message: 'Opening times are "HH:MM", 00:00 to 23:59.' }
  }
  const overlap = firstOverlap(
    ranges.map((range) => minutesOf(range, 0)),
    Number.POSITIVE_INFINITY,
  )
  return overlap === null ? null : { field: [...field, String(overlap)], message: 'Opening ranges of a day overlap.' }
}

/** The first problem with the days of an opening-hours input: a day given twice, or its ranges. */
export function openingDaysProblem(
  days: readonly { weekday: WeekdayKey; ranges: readonly TimeRange[] }[],
  field: string[],
): InputProblem | null {
  const seen = new Set<WeekdayKey>()
  for (const [index, day] of days.entries()) {
    if (seen.has(day.weekday)) return { field: [...field, String(index), 'weekday'], message: 'A day is given twice.' }
    seen.add(day.weekday)
    const problem = dayRangesProblem(day.ranges, [...field, String(index), 'ranges'])
    if (problem) return problem
  }
  return null
}

/** Null unless a range past midnight runs into the next day's first range (Sunday's into Monday's too). */
export function weekOverlapProblem(week: WeeklyHours, field: string[]): InputProblem | null {
  const intervals = WEEKDAYS.flatMap((weekday, index) => week[weekday].map((range) => minutesOf(range, index)))
  if (firstOverlap(intervals, MINUTES_PER_WEEK) === null) return null
  return { field, message: 'A range past midnight runs into the next day’s hours.' }
}

/** Null when `key` is a real "YYYY-MM-DD" date from the store's `today` to MAX_SPECIAL_DAYS_AHEAD on. */
export function specialDateProblem(key: string, today: LocalDate, field: string[]): InputProblem | null {
  const date = parseDateKey(key)
  if (!date) return { field, message: `${JSON.stringify(key)} is not a date written YYYY-MM-DD.` }
  const from = Date.UTC(today.year, today.month - 1, today.day)
  const last = addDays(today, MAX_SPECIAL_DAYS_AHEAD)
  const at = Date.UTC(date.year, date.month - 1, date.day)
  if (at < from) return { field, message: 'This date has passed in the store’s time zone.' }
  if (at > Date.UTC(last.year, last.month - 1, last.day)) {
    return { field, message: `Special days are set at most ${MAX_SPECIAL_DAYS_AHEAD} days ahead.` }
  }
  return null
}

/** [opens, closes) in minutes from the start of the week (or of the day, for day 0). */
function minutesOf(range: TimeRange, dayIndex: number): [number, number] {
  const opens = parseClock(range.opens)
  const closes = parseClock(range.closes)
  const start = dayIndex * MINUTES_PER_DAY + opens
  return [start, start + (closes <= opens ? closes + MINUTES_PER_DAY : closes) - opens]
}

/** The index of the first interval overlapping an earlier one, on a line or on a circle of `period`. */
function firstOverlap(intervals: [number, number][], period: number): number | null {
  for (let i = 0; i < intervals.length; i++) {
    for (let j = 0; j < i; j++) {
      const [a, b] = [intervals[i]!, intervals[j]!]
      for (const shift of Number.isFinite(period) ? [-period, 0, period] : [0]) {
        if (a[0] < b[1] + shift && b[0] + shift < a[1]) return i
      }
    }
  }
  return null
}
