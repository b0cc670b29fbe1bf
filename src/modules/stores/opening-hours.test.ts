import { describe, expect, it } from 'vitest'
import type { WeeklyHours } from '../../db/database.js'
import { isOpenAt, localTimeAt } from './opening-hours.js'

const closed = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }
const nineToSeven = [{ opens: '09:00', closes: '19:00' }]
const weekdays: WeeklyHours = {
  ...closed,
  mon: nineToSeven,
  tue: nineToSeven,
  wed: nineToSeven,
  thu: nineToSeven,
  fri: nineToSeven,
}
const lateNight: WeeklyHours = { ...weekdays, fri: [{ opens: '18:00', closes: '02:00' }] }
const lunchBreak: WeeklyHours = {
  ...weekdays,
  mon: [
    { opens: '09:00', closes: '12:30' },
    { opens: '14:00', closes: '19:00' },
  ],
}

describe('localTimeAt', () => {
  it('reads the wall clock in the store time zone, daylight saving included', () => {
    // 2026-07-01 is a Wednesday; Paris is UTC+2 in summer.
    expect(localTimeAt(new Date('2026-07-01T22:30:00Z'), 'Europe/Paris')).toEqual({ weekday: 'thu', minuteOfDay: 30 })
    // 2026-12-02 is a Wednesday; Paris is UTC+1 in winter.
    expect(localTimeAt(new Date('2026-12-02T22:30:00Z'), 'Europe/Paris')).toEqual({
      weekday: 'wed',
      minuteOfDay: 23 * 60 + 30,
    })
  })
})

describe('isOpenAt', () => {
  const paris = 'Europe/Paris'
  it('is open inside a range and closed at the closing minute', () => {
    expect(isOpenAt(weekdays, paris, new Date('2026-11-23T08:00:00Z'))).toBe(true) // Mon 09:00 local
    expect(isOpenAt(weekdays, paris, new Date('2026-11-23T07:59:00Z'))).toBe(false) // Mon 08:59
    expect(isOpenAt(weekdays, paris, new Date('2026-11-23T18:00:00Z'))).toBe(false) // Mon 19:00
  })

  it('is closed over a lunch break', () => {
    expect(isOpenAt(lunchBreak, paris, new Date('2026-11-23T12:00:00Z'))).toBe(false) // Mon 13:00
    expect(isOpenAt(lunchBreak, paris, new Date('2026-11-23T13:00:00Z'))).toBe(true) // Mon 14:00
  })

  it("keeps Friday's late range open past midnight into Saturday, and no later", () => {
    expect(isOpenAt(lateNight, paris, new Date('2026-11-27T23:30:00Z'))).toBe(true) // Sat 00:30 local
    expect(isOpenAt(lateNight, paris, new Date('2026-11-28T00:59:00Z'))).toBe(true) // Sat 01:59
    expect(isOpenAt(lateNight, paris, new Date('2026-11-28T01:00:00Z'))).toBe(false) // Sat 02:00
    // Thursday has no late range, so Friday 00:30 is closed.
    expect(isOpenAt(lateNight, paris, new Date('2026-11-26T23:30:00Z'))).toBe(false)
  })

  it('decides by the store day, not the UTC day, at a time-zone edge', () => {
    // Sunday 23:30 UTC is already Monday 00:30 in Tokyo and still Sunday 18:30 in New York.
    const mondayNight: WeeklyHours = { ...closed, mon: [{ opens: '00:00', closes: '06:00' }] }
    const instant = new Date('2026-11-22T15:30:00Z') // Mon 00:30 in Tokyo (UTC+9), Sun in UTC
    expect(isOpenAt(mondayNight, 'Asia/Tokyo', instant)).toBe(true)
    expect(isOpenAt(mondayNight, 'UTC', instant)).toBe(false)
  })

  it('follows the clock change: 09:00 local is 08:00 UTC in winter and 07:00 UTC in summer', () => {
    expect(isOpenAt(weekdays, paris, new Date('2026-03-30T07:00:00Z'))).toBe(true) // Mon after spring-forward
    expect(isOpenAt(weekdays, paris, new Date('2026-03-23T07:00:00Z'))).toBe(false) // Mon before it: 08:00
  })
})
