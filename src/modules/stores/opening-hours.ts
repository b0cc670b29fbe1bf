import type { TimeRange, WeeklyHours } from '../../db/database.js'

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type WeekdayKey = (typeof WEEKDAYS)[number]

const MINUTES_PER_DAY = 24 * 60

export interface LocalTime {
  weekday: WeekdayKey
  /** Minutes since local midnight, 0..1439. */
  minuteOfDay: number
}

/** The wall-clock weekday and time at `instant` in `timeZone`, daylight saving included. */
export function localTimeAt(instant: Date, timeZone: string): LocalTime {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant)
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? ''
  const weekday = part('weekday').toLowerCase().slice(0, 3) as WeekdayKey
  return { weekday, minuteOfDay: Number(part('hour')) * 60 + Number(part('minute')) }
}

export function parseClock(clock: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(clock)
  if (!match) throw new RangeError(`not a HH:MM time: ${clock}`)
  return Number(match[1]) * 60 + Number(match[2])
}

/** A range whose close is at or before its open runs past midnight into the next day. */
function spansMidnight(range: TimeRange): boolean {
  return parseClock(range.closes) <= parseClock(range.opens)
}

function previousWeekday(weekday: WeekdayKey): WeekdayKey {
  return WEEKDAYS[(WEEKDAYS.indexOf(weekday) + 6) % 7] as WeekdayKey
}

/** Open at `instant` by the store's local clock, counting yesterday's ranges that run past midnight. */
export function isOpenAt(hours: WeeklyHours, timeZone: string, instant: Date): boolean {
  const { weekday, minuteOfDay } = localTimeAt(instant, timeZone)
  const openToday = hours[weekday].some((range) => {
    const opens = parseClock(range.opens)
    const closes = spansMidnight(range) ? MINUTES_PER_DAY : parseClock(range.closes)
    return minuteOfDay >= opens && minuteOfDay < closes
  })
  if (openToday) return true
  return hours[previousWeekday(weekday)].some((range) => spansMidnight(range) && minuteOfDay < parseClock(range.closes))
}
