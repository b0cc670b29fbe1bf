import { describe, expect, it } from 'vitest'
import type { TimeRange, WeeklyHours } from '../../db/database.js'
import {
  bookableSlots,
  computePickupSlots,
  findBookableSlot,
  isBookableSlot,
  localDateOf,
  MAX_BOOKING_DAYS,
  openIntervals,
  type SlotRules,
  zonedWallTimeToInstant,
} from './pickup-slots.js'

const closed: WeeklyHours = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }
const tenToEight = [{ opens: '10:00', closes: '20:00' }]
/** Monday to Saturday 10:00–20:00, closed on Sunday. */
const weekHours: WeeklyHours = {
  mon: tenToEight,
  tue: tenToEight,
  wed: tenToEight,
  thu: tenToEight,
  fri: tenToEight,
  sat: tenToEight,
  sun: [],
}
const paris: SlotRules = {
  hours: weekHours,
  specialDays: {},
  timeZone: 'Europe/Paris',
  slotMinutes: 30,
  preparationMinutes: 30,
}

// 2026-11-23 is a Monday; Paris is UTC+1 in November.
const MONDAY_8AM_PARIS = new Date('2026-11-23T07:00:00Z')

function slots(rules: SlotRules, window: { from?: string | Date; now: string | Date; days?: number }) {
  const now = new Date(window.now)
  return computePickupSlots({ ...rules, now, from: new Date(window.from ?? now), days: window.days ?? 1 })
}
const starts = (list: { start: Date }[]) => list.map((slot) => slot.start.toISOString())
const everyDay = (ranges: TimeRange[]): WeeklyHours =>
  ({ mon: ranges, tue: ranges, wed: ranges, thu: ranges, fri: ranges, sat: ranges, sun: ranges }) as WeeklyHours

describe('zonedWallTimeToInstant', () => {
  it('turns a wall time into its instant, by the offset in force that day', () => {
    expect(zonedWallTimeToInstant({ year: 2026, month: 11, day: 23 }, 10 * 60, 'Europe/Paris')).toEqual(
      new Date('2026-11-23T09:00:00Z'),
    )
    expect(zonedWallTimeToInstant({ year: 2026, month: 7, day: 1 }, 10 * 60, 'Europe/Paris')).toEqual(
      new Date('2026-07-01T08:00:00Z'),
    )
    expect(zonedWallTimeToInstant({ year: 2026, month: 11, day: 23 }, 9 * 60, 'America/New_York')).toEqual(
      new Date('2026-11-23T14:00:00Z'),
    )
  })

  it('reads minutes past 24:00 as the next day', () => {
    expect(zonedWallTimeToInstant({ year: 2026, month: 11, day: 27 }, 24 * 60 + 30, 'Europe/Paris')).toEqual(
      new Date('2026-11-27T23:30:00Z'),
    )
  })

  it('has no instant for a time skipped by spring-forward, and the earlier one for a repeated time', () => {
    expect(zonedWallTimeToInstant({ year: 2026, month: 3, day: 29 }, 2 * 60 + 30, 'Europe/Paris')).toBeNull()
    expect(zonedWallTimeToInstant({ year: 2026, month: 3, day: 8 }, 2 * 60 + 30, 'America/New_York')).toBeNull()
    // 02:30 happens at 00:30Z (summer time) and again at 01:30Z (winter time).
    expect(zonedWallTimeToInstant({ year: 2026, month: 10, day: 25 }, 2 * 60 + 30, 'Europe/Paris')).toEqual(
      new Date('2026-10-25T00:30:00Z'),
    )
  })
})

describe('computePickupSlots', () => {
  it('offers every slot of a regular day, from opening to the last one that ends at closing', () => {
    const day = slots(paris, { now: MONDAY_8AM_PARIS })
    expect(day.length).toBe(20)
    expect(day[0]).toEqual({ start: new Date('2026-11-23T09:00:00Z'), end: new Date('2026-11-23T09:30:00Z') })
    expect(day.at(-1)).toEqual({ start: new Date('2026-11-23T18:30:00Z'), end: new Date('2026-11-23T19:00:00Z') })
  })

  it('starts no sooner than the preparation time from now', () => {
    // 11:10 + 30 min of preparation: 11:30 is too soon, 12:00 is the first.
    expect(starts(slots(paris, { now: '2026-11-23T10:10:00Z' }))[0]).toBe('2026-11-23T11:00:00.000Z')
    // 11:00 + 30 min: 11:30 itself is offered.
    expect(starts(slots(paris, { now: '2026-11-23T10:00:00Z' }))[0]).toBe('2026-11-23T10:30:00.000Z')
    // A longer preparation pushes further.
    const slow = { ...paris, preparationMinutes: 120 }
    expect(starts(slots(slow, { now: '2026-11-23T10:00:00Z' }))[0]).toBe('2026-11-23T12:00:00.000Z')
  })

  it('skips a lunch break and drops a slot that would run past closing', () => {
    const lunch = {
      ...paris,
      hours: {
        ...closed,
        mon: [
          { opens: '09:00', closes: '12:45' },
          { opens: '14:00', closes: '16:00' },
        ],
      },
    }
    expect(starts(slots(lunch, { now: '2026-11-23T06:00:00Z' }))).toEqual([
      '2026-11-23T08:00:00.000Z',
      '2026-11-23T08:30:00.000Z',
      '2026-11-23T09:00:00.000Z',
      '2026-11-23T09:30:00.000Z',
      '2026-11-23T10:00:00.000Z',
      '2026-11-23T10:30:00.000Z',
      '2026-11-23T11:00:00.000Z', // 12:00–12:30; 12:30–13:00 would end after 12:45
      '2026-11-23T13:00:00.000Z', // 14:00 after the break
      '2026-11-23T13:30:00.000Z',
      '2026-11-23T14:00:00.000Z',
      '2026-11-23T14:30:00.000Z',
    ])
  })

  it('follows a change of hours on a day it has already computed', () => {
    const day = { now: MONDAY_8AM_PARIS, days: 1 }
    const before = starts(slots({ ...paris, hours: everyDay(tenToEight) }, day))
    const later = starts(slots({ ...paris, hours: everyDay([{ opens: '12:00', closes: '13:00' }]) }, day))
    expect(later).toEqual(['2026-11-23T11:00:00.000Z', '2026-11-23T11:30:00.000Z'])
    expect(starts(slots({ ...paris, hours: everyDay(tenToEight) }, day))).toEqual(before)
    expect(
      starts(slots({ ...paris, slotMinutes: 60, hours: everyDay([{ opens: '12:00', closes: '13:00' }]) }, day)),
    ).toEqual(['2026-11-23T11:00:00.000Z'])
  })

  it('gives no slots on a closed day', () => {
    expect(slots(paris, { now: '2026-11-29T07:00:00Z' })).toEqual([]) // Sunday
    expect(slots({ ...paris, hours: closed }, { now: MONDAY_8AM_PARIS, days: 14 })).toEqual([])
  })

  it("runs Friday's late range past midnight into Saturday, up to its close", () => {
    const late = { ...paris, hours: { ...closed, fri: [{ opens: '18:00', closes: '01:00' }] } }
    const friday = slots(late, { now: '2026-11-27T07:00:00Z' }) // Fri 08:00
    expect(friday.length).toBe(14)
    expect(friday[0]!.start).toEqual(new Date('2026-11-27T17:00:00Z')) // Fri 18:00
    const last = friday.at(-1)!
    expect(last).toEqual({ start: new Date('2026-11-27T23:30:00Z'), end: new Date('2026-11-28T00:00:00Z') })
    expect(localDateOf(last.start, 'Europe/Paris')).toEqual({ year: 2026, month: 11, day: 28 }) // Saturday 00:30
    // Asked from Saturday 00:10, the rest of Friday night is still there.
    const saturday = slots({ ...late, preparationMinutes: 0 }, { now: '2026-11-27T23:10:00Z' })
    expect(starts(saturday)).toEqual(['2026-11-27T23:30:00.000Z'])
  })

  it('skips the hour lost when the clocks spring forward (Paris, 2026-03-29)', () => {
    const night = { ...paris, preparationMinutes: 0, hours: { ...closed, sun: [{ opens: '01:00', closes: '04:00' }] } }
    const day = slots(night, { now: '2026-03-28T12:00:00Z', days: 2 })
    // 01:00 CET; 01:30 would end at 02:00, which does not exist; 02:00–02:59 does not exist; 03:00 and 03:30 CEST.
    expect(starts(day)).toEqual(['2026-03-29T00:00:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T01:30:00.000Z'])
    for (const slot of day) expect(slot.end.getTime() - slot.start.getTime()).toBe(30 * 60_000)
    expect(day.at(-1)!.end).toEqual(new Date('2026-03-29T02:00:00Z')) // 04:00 CEST
  })

  it('repeats no slot when the clocks fall back (Paris, 2026-10-25)', () => {
    const night = { ...paris, preparationMinutes: 0, hours: { ...closed, sun: [{ opens: '01:00', closes: '04:00' }] } }
    const day = slots(night, { now: '2026-10-24T12:00:00Z', days: 2 })
    expect(starts(day)).toEqual([
      '2026-10-24T23:00:00.000Z', // 01:00 CEST
      '2026-10-24T23:30:00.000Z',
      '2026-10-25T00:00:00.000Z', // 02:00 CEST, the first of the two
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T02:00:00.000Z', // 03:00 CET
      '2026-10-25T02:30:00.000Z',
    ])
    expect(new Set(starts(day)).size).toBe(day.length)
    for (const slot of day) expect(slot.end.getTime() - slot.start.getTime()).toBe(30 * 60_000)
  })

  it('keeps regular days around a clock change on the right offset', () => {
    // Saturday 2026-03-28 is still UTC+1, Monday 2026-03-30 is UTC+2.
    const week = slots(paris, { now: '2026-03-28T06:00:00Z', days: 3 })
    expect(week[0]!.start).toEqual(new Date('2026-03-28T09:00:00Z'))
    expect(week.at(-1)!.start).toEqual(new Date('2026-03-30T17:30:00Z'))
    expect(week.length).toBe(40) // Sunday closed
  })

  it('counts days by the store calendar: New York and Tokyo differ from UTC', () => {
    const nineToFive = {
      hours: { ...closed, mon: [{ opens: '09:00', closes: '17:00' }] },
      specialDays: {},
      slotMinutes: 60,
    }
    const now = '2026-11-23T03:00:00Z' // Sunday 22:00 in New York, Monday 12:00 in Tokyo
    const newYork = { ...nineToFive, timeZone: 'America/New_York', preparationMinutes: 0 }
    expect(slots(newYork, { now })).toEqual([]) // still Sunday there
    const nextDay = slots(newYork, { now, days: 2 })
    expect(starts(nextDay)[0]).toBe('2026-11-23T14:00:00.000Z') // Monday 09:00 EST
    expect(nextDay.length).toBe(8)
    const tokyo = { ...nineToFive, timeZone: 'Asia/Tokyo', preparationMinutes: 0 }
    expect(starts(slots(tokyo, { now }))).toEqual([
      '2026-11-23T03:00:00.000Z', // 12:00, now exactly
      '2026-11-23T04:00:00.000Z',
      '2026-11-23T05:00:00.000Z',
      '2026-11-23T06:00:00.000Z',
      '2026-11-23T07:00:00.000Z', // 16:00–17:00
    ])
  })

  it('starts at `from` in the middle of a day, and counts days from its date', () => {
    const afternoon = slots(paris, { now: MONDAY_8AM_PARIS, from: '2026-11-23T14:00:00Z' }) // Mon 15:00
    expect(afternoon[0]!.start).toEqual(new Date('2026-11-23T14:00:00Z'))
    expect(afternoon.length).toBe(10)
    const tuesday = slots(paris, { now: MONDAY_8AM_PARIS, from: '2026-11-24T06:00:00Z', days: 2 })
    expect(tuesday[0]!.start).toEqual(new Date('2026-11-24T09:00:00Z'))
    expect(tuesday.length).toBe(40)
    // A `from` in the past gives nothing before now + preparation.
    const past = slots(paris, { now: '2026-11-23T12:00:00Z', from: '2026-11-20T00:00:00Z', days: 4 })
    expect(past[0]!.start).toEqual(new Date('2026-11-23T12:30:00Z'))
  })

  it('covers exactly `days` local days, in order and without duplicates', () => {
    expect(slots(paris, { now: MONDAY_8AM_PARIS, days: 3 }).length).toBe(60)
    const week = slots(paris, { now: MONDAY_8AM_PARIS, days: 7 })
    expect(week.length).toBe(120) // Sunday closed
    const sorted = [...week].sort((a, b) => a.start.getTime() - b.start.getTime())
    expect(week).toEqual(sorted)
    const overlapping = { ...paris, hours: everyDay([...tenToEight, { opens: '10:00', closes: '12:00' }]) }
    expect(slots(overlapping, { now: MONDAY_8AM_PARIS }).length).toBe(20)
  })

  it('refuses a slot length that is not a positive whole number of minutes', () => {
    expect(() => slots({ ...paris, slotMinutes: 0 }, { now: MONDAY_8AM_PARIS })).toThrow(RangeError)
  })
})

describe('computePickupSlots on special days', () => {
  const christmasWeek = { now: '2026-12-21T07:00:00Z', days: 7 } // Monday 08:00 in Paris
  const dayStarts = (rules: SlotRules, date: string) =>
    starts(slots(rules, christmasWeek)).filter(
      (start) => localDateOf(new Date(start), 'Europe/Paris').day === Number(date.slice(-2)),
    )

  it('gives no slot on a closed date and leaves the other days alone', () => {
    const closedChristmas = { ...paris, specialDays: { '2026-12-25': [] } }
    expect(dayStarts(paris, '2026-12-25').length).toBe(20)
    expect(dayStarts(closedChristmas, '2026-12-25')).toEqual([])
    expect(slots(closedChristmas, christmasWeek).length).toBe(slots(paris, christmasWeek).length - 20)
  })

  it('replaces the weekly hours of a date with its special hours, on a weekly closed day too', () => {
    const special = {
      ...paris,
      specialDays: {
        '2026-12-24': [{ opens: '09:00', closes: '11:00' }],
        '2026-12-27': [{ opens: '14:00', closes: '15:00' }], // a Sunday
      },
    }
    expect(dayStarts(special, '2026-12-24')).toEqual([
      '2026-12-24T08:00:00.000Z',
      '2026-12-24T08:30:00.000Z',
      '2026-12-24T09:00:00.000Z',
      '2026-12-24T09:30:00.000Z',
    ])
    expect(dayStarts(special, '2026-12-27')).toEqual(['2026-12-27T13:00:00.000Z', '2026-12-27T13:30:00.000Z'])
    expect(isBookableSlot(special, new Date('2026-12-24T12:00:00Z'), new Date(christmasWeek.now))).toBe(false)
    expect(isBookableSlot(special, new Date('2026-12-27T13:30:00Z'), new Date(christmasWeek.now))).toBe(true)
  })

  it('runs a special late range past midnight into a closed date, and closing a date ends its own late range', () => {
    const lateEve = { ...paris, specialDays: { '2026-12-24': [{ opens: '22:00', closes: '01:00' }], '2026-12-25': [] } }
    expect(dayStarts(lateEve, '2026-12-25')).toEqual(['2026-12-24T23:00:00.000Z', '2026-12-24T23:30:00.000Z'])
    const lateFriday = { ...paris, hours: { ...weekHours, fri: [{ opens: '18:00', closes: '02:00' }] } }
    expect(dayStarts(lateFriday, '2026-12-26').length).toBe(24) // Sat: 00:00–02:00, then 10:00–20:00
    expect(dayStarts({ ...lateFriday, specialDays: { '2026-12-25': [] } }, '2026-12-26').length).toBe(20)
  })
})

describe('isBookableSlot', () => {
  const now = MONDAY_8AM_PARIS
  it('accepts exactly a computed slot start within the next 14 days', () => {
    expect(MAX_BOOKING_DAYS).toBe(14)
    expect(isBookableSlot(paris, new Date('2026-11-23T09:00:00Z'), now)).toBe(true)
    expect(isBookableSlot(paris, new Date('2026-12-05T18:30:00Z'), now)).toBe(true) // Sat, 13th day on
  })

  it('refuses a misaligned, closed, too soon or too far start', () => {
    expect(isBookableSlot(paris, new Date('2026-11-23T09:15:00Z'), now)).toBe(false) // not aligned
    expect(isBookableSlot(paris, new Date('2026-11-23T19:00:00Z'), now)).toBe(false) // 20:00, closing
    expect(isBookableSlot(paris, new Date('2026-11-29T10:00:00Z'), now)).toBe(false) // Sunday
    expect(isBookableSlot(paris, new Date('2026-11-23T09:00:00Z'), new Date('2026-11-23T08:45:00Z'))).toBe(false)
    expect(isBookableSlot(paris, new Date('2026-11-22T10:00:00Z'), now)).toBe(false) // the past
    expect(isBookableSlot(paris, new Date('2026-12-07T09:00:00Z'), now)).toBe(false) // 15th day
  })
})

describe('findBookableSlot', () => {
  const late: WeeklyHours = {
    ...weekHours,
    fri: [{ opens: '18:00', closes: '02:00' }],
    sun: [{ opens: '09:00', closes: '12:00' }],
  }
  const stores: SlotRules[] = [
    paris,
    { ...paris, hours: late, slotMinutes: 45, preparationMinutes: 90 },
    {
      hours: everyDay([{ opens: '08:00', closes: '23:30' }]),
      specialDays: {},
      timeZone: 'America/New_York',
      slotMinutes: 20,
      preparationMinutes: 0,
    },
    {
      ...paris,
      hours: late,
      specialDays: {
        '2026-03-21': [],
        '2026-03-29': [{ opens: '01:00', closes: '04:00' }],
        '2026-10-25': [{ opens: '00:30', closes: '03:30' }],
        '2026-11-24': [],
        '2026-11-25': [{ opens: '12:00', closes: '13:00' }],
        '2026-11-27': [{ opens: '20:00', closes: '03:00' }],
        '2026-11-28': [],
      },
    },
  ]
  const nows = ['2026-11-23T07:00:00Z', '2026-03-20T21:10:00Z', '2026-10-18T23:59:00Z', '2026-11-27T22:30:00Z']

  it('answers exactly as a search of every bookable slot would, across clock changes and late ranges', () => {
    let bookable = 0
    for (const rules of stores) {
      for (const nowText of nows) {
        const now = new Date(nowText)
        const all = new Map(bookableSlots(rules, now).map((slot) => [slot.start.getTime(), slot]))
        bookable += all.size
        // Every 5 minutes from a day before now to 16 days after: aligned or not, open or not.
        for (let t = now.getTime() - 86_400_000; t < now.getTime() + 16 * 86_400_000; t += 300_000) {
          expect(findBookableSlot(rules, new Date(t), now) ?? null).toEqual(all.get(t) ?? null)
        }
      }
    }
    expect(bookable).toBeGreaterThan(1000)
  })
})

describe('localDateOf', () => {
  /** The local date as Intl reads it, for comparison. */
  function intlDate(instant: Date, timeZone: string) {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    }).formatToParts(instant)
    const part = (type: string) => Number(parts.find((each) => each.type === type)?.value)
    return { year: part('year'), month: part('month'), day: part('day') }
  }

  // Clock changes on the UTC hour and off it (Lord Howe, half an hour off UTC's hours, moves by 30
  // minutes), a zone 45 minutes off, and the southern hemisphere. Only a change at local midnight
  // off UTC's hours can put an instant on the wrong date with the offset of its hour's start:
  // Tehran's last (2022-09-21, 00:00 at +04:30, 19:30 UTC) is the case that needs the fallback.
  // Every 7 minutes and 13 seconds over the 36 hours around each change.
  it.each([
    ['Asia/Tehran', '2022-09-21T00:00:00Z'],
    ['Europe/Paris', '2026-03-28T12:00:00Z'],
    ['Europe/Paris', '2026-10-24T12:00:00Z'],
    ['America/St_Johns', '2026-03-07T12:00:00Z'],
    ['Australia/Lord_Howe', '2026-04-04T00:00:00Z'],
    ['Australia/Lord_Howe', '2026-10-03T00:00:00Z'],
    ['Asia/Kathmandu', '2026-06-01T00:00:00Z'],
  ])('agrees with Intl every few minutes around a clock change of %s from %s', (timeZone, from) => {
    const start = new Date(from).getTime()
    const disagreements: string[] = []
    for (let at = start; at < start + 36 * 3_600_000; at += 7 * 60_000 + 13_000) {
      const instant = new Date(at)
      if (JSON.stringify(localDateOf(instant, timeZone)) !== JSON.stringify(intlDate(instant, timeZone))) {
        disagreements.push(instant.toISOString())
      }
    }
    expect(disagreements).toEqual([])
  })
})

describe('openIntervals', () => {
  const iso = (intervals: { start: Date; end: Date }[]) =>
    intervals.map(({ start, end }) => [start.toISOString(), end.toISOString()])

  it('cuts the range open now at now, skips the closed Sunday and a closed special day', () => {
    const saturdayNoon = new Date('2026-11-28T11:00:00Z')
    const rules = { ...paris, specialDays: { '2026-11-30': [] } }
    expect(iso(openIntervals(rules, saturdayNoon, 4))).toEqual([
      ['2026-11-28T11:00:00.000Z', '2026-11-28T19:00:00.000Z'],
      ['2026-12-01T09:00:00.000Z', '2026-12-01T19:00:00.000Z'],
    ])
  })

  it('keeps the evening range past midnight whole, and joins ranges that touch', () => {
    const late: WeeklyHours = {
      ...closed,
      fri: [
        { opens: '18:00', closes: '22:00' },
        { opens: '22:00', closes: '02:00' },
      ],
    }
    const rules = { hours: late, specialDays: {}, timeZone: 'Europe/Paris' }
    expect(iso(openIntervals(rules, new Date('2026-11-28T00:30:00Z'), 2))).toEqual([
      ['2026-11-28T00:30:00.000Z', '2026-11-28T01:00:00.000Z'],
    ])
    expect(iso(openIntervals(rules, new Date('2026-11-27T12:00:00Z'), 1))).toEqual([
      ['2026-11-27T17:00:00.000Z', '2026-11-28T01:00:00.000Z'],
    ])
  })

  it('follows the clock change: 10:00 Paris is 09:00 UTC in winter, 08:00 in summer', () => {
    const rules = { ...paris, specialDays: {} }
    // Sunday 29 March 2026 the clocks go forward (the store is closed that day).
    expect(iso(openIntervals(rules, new Date('2026-03-27T06:00:00Z'), 4))).toEqual([
      ['2026-03-27T09:00:00.000Z', '2026-03-27T19:00:00.000Z'],
      ['2026-03-28T09:00:00.000Z', '2026-03-28T19:00:00.000Z'],
      ['2026-03-30T08:00:00.000Z', '2026-03-30T18:00:00.000Z'],
    ])
  })
})
