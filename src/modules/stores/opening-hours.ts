import type { SpecialDays, StoreRow, TimeRange, WeeklyHours } from '../../db/database.js'

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type WeekdayKey = (typeof WEEKDAYS)[number]

const MINUTES_PER_DAY = 24 * 60

/** A day of the store's calendar. */
export interface LocalDate {
  year: number
  /** 1..12 */
  month: number
  day: number
}

/** When a store opens: its weekly hours, and the local dates that differ from them. */
export interface StoreHours {
  hours: WeeklyHours
  specialDays: SpecialDays
}

export interface LocalTime {
  date: LocalDate
  weekday: WeekdayKey
  /** Minutes since local midnight, 0..1439. */
  minuteOfDay: number
}

export function storeHoursOf(store: Pick<StoreRow, 'opening_hours' | 'special_days'>): StoreHours {
  return { hours: store.opening_hours, specialDays: store.special_days }
}

/**
 * The ranges that open on `date`: its special hours when it has some ([] when closed), its
 * weekday's otherwise. A range past midnight belongs to the date it opens on, as a weekday's does:
 * closing the 25th leaves the 24th's late range running into the small hours of the 25th.
 */
export function rangesOpeningOn(store: StoreHours, date: LocalDate): readonly TimeRange[] {
  return store.specialDays[dateKeyOf(date)] ?? store.hours[weekdayOf(date)]
}

/** "YYYY-MM-DD", the key of SpecialDays. Every checkout asks twice: no padStart, no allocation but the string. */
export function dateKeyOf(date: LocalDate): string {
  return `${date.year}-${date.month < 10 ? '0' : ''}${date.month}-${date.day < 10 ? '0' : ''}${date.day}`
}

/** The date a "YYYY-MM-DD" key names, or null when it names none (2026-02-30, 2026-13-01…). */
export function parseDateKey(key: string): LocalDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key)
  if (!match) return null
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) }
  return dateKeyOf(addDays(date, 0)) === key ? date : null
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days))
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() }
}

export function weekdayOf(date: LocalDate): WeekdayKey {
  const sundayFirst = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay()
  return WEEKDAYS[(sundayFirst + 6) % 7] as WeekdayKey
}

/** The wall-clock date, weekday and time at `instant` in `timeZone`, daylight saving included. */
export function localTimeAt(instant: Date, timeZone: string): LocalTime {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant)
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? ''
  const weekday = part('weekday').toLowerCase().slice(0, 3) as WeekdayKey
  const date = { year: Number(part('year')), month: Number(part('month')), day: Number(part('day')) }
  return { date, weekday, minuteOfDay: Number(part('hour')) * 60 + Number(part('minute')) }
}

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/

/** A wall-clock time "HH:MM", 00:00 to 23:59. */
export function isClock(text: string): boolean {
  return CLOCK.test(text)
}

export function parseClock(clock: string): number {
  const match = CLOCK.exec(clock)
  if (!match) throw new RangeError(`not a HH:MM time: ${clock}`)
  return Number(match[1]) * 60 + Number(match[2])
}

/** A range whose close is at or before its open runs past midnight into the next day. */
export function spansMidnight(range: TimeRange): boolean {
  return parseClock(range.closes) <= parseClock(range.opens)
}

/**
 * Open at `instant` by the store's local clock: a range of today's (special hours replacing the
 * weekly ones), or yesterday's range that runs past midnight.
 */
export function isOpenAt(store: StoreHours, timeZone: string, instant: Date): boolean {
  const { date, minuteOfDay } = localTimeAt(instant, timeZone)
  const openToday = rangesOpeningOn(store, date).some((range) => {
    const opens = parseClock(range.opens)
    const closes = spansMidnight(range) ? MINUTES_PER_DAY : parseClock(range.closes)
    return minuteOfDay >= opens && minuteOfDay < closes
  })
  if (openToday) return true
  return rangesOpeningOn(store, addDays(date, -1)).some(
    (range) => spansMidnight(range) && minuteOfDay < parseClock(range.closes),
  )
}
