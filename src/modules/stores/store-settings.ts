import type { Updateable } from 'kysely'
import type { Locale, SpecialDays, StoreRow, StoreTable, TimeRange, WeeklyHours } from '../../db/database.js'
import { addDays, dateKeyOf, type LocalDate, type WeekdayKey } from './opening-hours.js'
import type { GeoPoint } from './store.repository.js'

/** A store's settings as the back office writes them. */

export interface OpeningDay {
  weekday: WeekdayKey
  ranges: TimeRange[]
}

export interface PickupSettings {
  slotMinutes: number
  capacityPerSlot: number
  /** Preparation time: the first slot offered starts at least this long after the order. */
  leadMinutes: number
  /** How long a ready order waits for its customer before it expires. */
  holdHours: number
}

export interface StoreAddress {
  line1: string
  city: string
  postalCode: string
  country: string
}

export interface NewStore {
  code: string
  name: string
  address: StoreAddress
  location: GeoPoint
  timeZone: string
  currencyCode: string
  /** The language its shoppers are written to when they have none; 'en' when not given. */
  locale?: Locale
  /** Days not listed are closed. */
  openingHours: OpeningDay[]
  /** Settings not given take the column defaults. */
  pickupSettings: Partial<PickupSettings>
}

/** Only what is given changes; days of openingHours not listed keep their hours. */
export interface StoreChanges {
  name?: string
  address?: StoreAddress
  location?: GeoPoint
  timeZone?: string
  locale?: Locale
  openingHours?: OpeningDay[]
  pickupSettings?: Partial<PickupSettings>
}

export type StoreColumns = Pick<
  Updateable<StoreTable>,
  | 'name'
  | 'address_line1'
  | 'city'
  | 'postal_code'
  | 'country'
  | 'latitude'
  | 'longitude'
  | 'time_zone'
  | 'locale'
  | 'slot_minutes'
  | 'slot_capacity'
  | 'preparation_minutes'
  | 'hold_hours'
>

export function pickupSettingsOf(store: StoreRow): PickupSettings {
  return {
    slotMinutes: store.slot_minutes,
    capacityPerSlot: store.slot_capacity,
    leadMinutes: store.preparation_minutes,
    holdHours: store.hold_hours,
  }
}

/** The week `days` make of `base`: the days given replace theirs, the others stay. */
export function weekWith(base: WeeklyHours, days: readonly OpeningDay[]): WeeklyHours {
  const week = { ...base }
  for (const day of days) week[day.weekday] = day.ranges
  return week
}

/** The columns that hold what `changes` gives, and none other. */
export function storeColumnsOf(changes: Omit<StoreChanges, 'openingHours'>): StoreColumns {
  const { name, address, location, timeZone, locale, pickupSettings: pickup = {} } = changes
  return dropUndefined({
    name,
    address_line1: address?.line1,
    city: address?.city,
    postal_code: address?.postalCode,
    country: address?.country,
    latitude: location?.latitude,
    longitude: location?.longitude,
    time_zone: timeZone,
    locale,
    slot_minutes: pickup.slotMinutes,
    slot_capacity: pickup.capacityPerSlot,
    preparation_minutes: pickup.leadMinutes,
    hold_hours: pickup.holdHours,
  })
}

/**
 * The special days after setting `key` to `ranges` (null: back to the weekly hours). Dates before
 * the store's yesterday are dropped: they can no longer change an answer (yesterday's late range
 * may still run), and every checkout reads this column.
 */
export function specialDaysWith(
  specialDays: SpecialDays,
  key: string,
  ranges: TimeRange[] | null,
  today: LocalDate,
): SpecialDays {
  const keepFrom = dateKeyOf(addDays(today, -1))
  const kept = Object.entries(specialDays).filter(([date]) => date >= keepFrom && date !== key)
  if (ranges) kept.push([key, ranges])
  return Object.fromEntries(kept.sort(([a], [b]) => a.localeCompare(b)))
}

/** The special days from `from` on, in date order. */
export function upcomingSpecialDays(
  specialDays: SpecialDays,
  from: LocalDate,
): { date: string; ranges: TimeRange[] }[] {
  const fromKey = dateKeyOf(from)
  return Object.entries(specialDays)
    .filter(([date]) => date >= fromKey)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, ranges]) => ({ date, ranges }))
}

/** What the audit trail keeps of a store: every setting, before and after a change. */
export function storeAuditView(store: StoreRow): Record<string, unknown> {
  return {
    code: store.code,
    name: store.name,
    address: { line1: store.address_line1, city: store.city, postalCode: store.postal_code, country: store.country },
    location: { latitude: store.latitude, longitude: store.longitude },
    timeZone: store.time_zone,
    locale: store.locale,
    currencyCode: store.currency_code,
    openingHours: store.opening_hours,
    specialDays: store.special_days,
    pickupSettings: pickupSettingsOf(store),
    acceptingOrders: store.accepting_orders,
  }
}

function dropUndefined<T extends object>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>
}
