import { describe, expect, it } from 'vitest'
import type { SpecialDays, WeeklyHours } from '../../db/database.js'
import { isOpenAt, localTimeAt, parseDateKey, type StoreHours } from './opening-hours.js'

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

/** Weekly hours with no special days. */
const only = (hours: WeeklyHours, specialDays: SpecialDays = {}): StoreHours => ({ hours, specialDays })

describe('localTimeAt', () => {
  it('reads the wall clock in the store time zone, daylight saving included', () => {
    // 2026-07-01 is a Wednesday; Paris is UTC+2 in summer.
    expect(localTimeAt(new Date('2026-07-01T22:30:00Z'), 'Europe/Paris')).toEqual({
      date: { year: 2026, month: 7, day: 2 },
      weekday: 'thu',
      minuteOfDay: 30,
    })
    // 2026-12-02 is a Wednesday; Paris is UTC+1 in winter.
    expect(localTimeAt(new Date('2026-12-02T22:30:00Z'), 'Europe/Paris')).toEqual({
      date: { year: 2026, month: 12, day: 2 },
      weekday: 'wed',
      minuteOfDay: 23 * 60 + 30,
    })
  })
})

describe('isOpenAt', () => {
  const paris = 'Europe/Paris'
  it('is open inside a range and closed at the closing minute', () => {
    expect(isOpenAt(only(weekdays), paris, new Date('2026-11-23T08:00:00Z'))).toBe(true) // Mon 09:00 local
    expect(isOpenAt(only(weekdays), paris, new Date('2026-11-23T07:59:00Z'))).toBe(false) // Mon 08:59
    expect(isOpenAt(only(weekdays), paris, new Date('2026-11-23T18:00:00Z'))).toBe(false) // Mon 19:00
  })

  it('is closed over a lunch break', () => {
    expect(isOpenAt(only(lunchBreak), paris, new Date('2026-11-23T12:00:00Z'))).toBe(false) // Mon 13:00
    expect(isOpenAt(only(lunchBreak), paris, new Date('2026-11-23T13:00:00Z'))).toBe(true) // Mon 14:00
  })

  it("keeps Friday's late range open past midnight into Saturday, and no later", () => {
    expect(isOpenAt(only(lateNight), paris, new Date('2026-11-27T23:30:00Z'))).toBe(true) // Sat 00:30 local
    expect(isOpenAt(only(lateNight), paris, new Date('2026-11-28T00:59:00Z'))).toBe(true) // Sat 01:59
    expect(isOpenAt(only(lateNight), paris, new Date('2026-11-28T01:00:00Z'))).toBe(false) // Sat 02:00
    // Thursday has no late range, so Friday 00:30 is closed.
    expect(isOpenAt(only(lateNight), paris, new Date('2026-11-26T23:30:00Z'))).toBe(false)
  })

  it('decides by the store day, not the UTC day, at a time-zone edge', () => {
    // Sunday 23:30 UTC is already Monday 00:30 in Tokyo and still Sunday 18:30 in New York.
    const mondayNight: WeeklyHours = { ...closed, mon: [{ opens: '00:00', closes: '06:00' }] }
    const instant = new Date('2026-11-22T15:30:00Z') // Mon 00:30 in Tokyo (UTC+9), Sun in UTC
    expect(isOpenAt(only(mondayNight), 'Asia/Tokyo', instant)).toBe(true)
    expect(isOpenAt(only(mondayNight), 'UTC', instant)).toBe(false)
  })

  it('follows the clock change: 09:00 local is 08:00 UTC in winter and 07:00 UTC in summer', () => {
    expect(isOpenAt(only(weekdays), paris, new Date('2026-03-30T07:00:00Z'))).toBe(true) // Mon after spring-forward
    expect(isOpenAt(only(weekdays), paris, new Date('2026-03-23T07:00:00Z'))).toBe(false) // Mon before it: 08:00
  })
})

describe('isOpenAt on special days', () => {
  const paris = 'Europe/Paris'
  // Monday 2026-11-23, 10:00 in Paris.
  const mondayTen = new Date('2026-11-23T09:00:00Z')

  it('is closed all day on a closed date, and open as usual the day after', () => {
    const closedMonday = only(weekdays, { '2026-11-23': [] })
    expect(isOpenAt(closedMonday, paris, mondayTen)).toBe(false)
    expect(isOpenAt(closedMonday, paris, new Date('2026-11-24T09:00:00Z'))).toBe(true)
  })

  it('replaces the weekly hours of that date with its special hours, even on a weekly closed day', () => {
    const shortMonday = only(weekdays, { '2026-11-23': [{ opens: '12:00', closes: '14:00' }] })
    expect(isOpenAt(shortMonday, paris, mondayTen)).toBe(false)
    expect(isOpenAt(shortMonday, paris, new Date('2026-11-23T11:30:00Z'))).toBe(true) // 12:30
    const sundayOpening = only(weekdays, { '2026-11-29': [{ opens: '10:00', closes: '12:00' }] })
    expect(isOpenAt(sundayOpening, paris, new Date('2026-11-29T09:30:00Z'))).toBe(true)
  })

  it('reads the date on the store clock, not in UTC', () => {
    // 23:30 UTC on Sunday the 22nd is already 00:30 on Monday the 23rd in Paris.
    const allNight = only({ ...weekdays, mon: [{ opens: '00:00', closes: '06:00' }] }, {})
    const instant = new Date('2026-11-22T23:30:00Z')
    expect(isOpenAt(allNight, paris, instant)).toBe(true)
    expect(isOpenAt({ ...allNight, specialDays: { '2026-11-23': [] } }, paris, instant)).toBe(false)
    expect(isOpenAt({ ...allNight, specialDays: { '2026-11-22': [] } }, paris, instant)).toBe(true)
  })

  it("keeps a range past midnight with the date it opens on: a special late night runs on, the next date's closure does not cut it", () => {
    const lateFriday = only(weekdays, { '2026-11-27': [{ opens: '18:00', closes: '02:00' }], '2026-11-28': [] })
    expect(isOpenAt(lateFriday, paris, new Date('2026-11-28T00:30:00Z'))).toBe(true) // Sat 01:30
    expect(isOpenAt(lateFriday, paris, new Date('2026-11-28T01:00:00Z'))).toBe(false) // Sat 02:00
    // Closing Friday closes its late range too.
    const closedFriday = only(lateNight, { '2026-11-27': [] })
    expect(isOpenAt(closedFriday, paris, new Date('2026-11-27T23:30:00Z'))).toBe(false) // Sat 00:30
    expect(isOpenAt(only(lateNight), paris, new Date('2026-11-27T23:30:00Z'))).toBe(true)
  })

  it('follows the clock change on a special date (Paris springs forward on Sunday 2026-03-29)', () => {
    const earlySunday = only(weekdays, { '2026-03-29': [{ opens: '01:00', closes: '04:00' }] })
    expect(isOpenAt(earlySunday, paris, new Date('2026-03-29T00:30:00Z'))).toBe(true) // 01:30 CET
    expect(isOpenAt(earlySunday, paris, new Date('2026-03-29T01:30:00Z'))).toBe(true) // 03:30 CEST
    expect(isOpenAt(earlySunday, paris, new Date('2026-03-29T02:00:00Z'))).toBe(false) // 04:00 CEST
  })
})

describe('parseDateKey', () => {
  it('reads a real date and nothing else', () => {
    expect(parseDateKey('2026-12-25')).toEqual({ year: 2026, month: 12, day: 25 })
    expect(parseDateKey('2028-02-29')).toEqual({ year: 2028, month: 2, day: 29 })
    for (const bad of [
      '2026-02-29',
      '2026-02-30',
      '2026-13-01',
      '2026-00-10',
      '2026-1-05',
      '26-12-25',
      '2026-12-25T00:00',
    ]) {
      expect(parseDateKey(bad)).toBeNull()
    }
  })
})
