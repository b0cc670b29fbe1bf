import { resolveOffsetConnection } from '@pothos/plugin-relay'
import { z } from 'zod'
import type { StoreRow, TimeRange } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { CartLineInput } from '../inventory/cart-line-input.schema.js'
import { isOpenAt, localTimeAt, storeHoursOf, WEEKDAYS, type WeekdayKey } from './opening-hours.js'
import { findStoresByIds, findStoresPage, type StoreView } from './store.service.js'
import { type PickupSettings as PickupSettingsShape, pickupSettingsOf, upcomingSpecialDays } from './store-settings.js'

export const GeoPointInput = builder.inputType('GeoPointInput', {
  fields: (t) => ({
    latitude: t.float({ required: true, validate: z.number().min(-90).max(90) }),
    longitude: t.float({ required: true, validate: z.number().min(-180).max(180) }),
  }),
})

export const Weekday = builder.enumType('Weekday', {
  values: Object.fromEntries(WEEKDAYS.map((day) => [weekdayName(day), { value: day }])) as Record<
    string,
    { value: WeekdayKey }
  >,
})

export const OpeningTimeRange = builder.objectRef<TimeRange>('OpeningTimeRange').implement({
  description: 'Local wall-clock times "HH:MM"; a close at or before the open is on the next day.',
  fields: (t) => ({ opens: t.exposeString('opens'), closes: t.exposeString('closes') }),
})

const SpecialDay = builder.objectRef<{ date: string; ranges: TimeRange[] }>('SpecialDay').implement({
  description: 'A local date whose hours replace the weekly ones: closed, or special hours.',
  fields: (t) => ({
    date: t.exposeString('date', { description: 'The store’s local date, YYYY-MM-DD.' }),
    closed: t.boolean({ resolve: (day) => day.ranges.length === 0 }),
    ranges: t.field({ type: [OpeningTimeRange], resolve: (day) => day.ranges }),
  }),
})

const PickupSettings = builder.objectRef<PickupSettingsShape>('PickupSettings').implement({
  fields: (t) => ({
    slotMinutes: t.exposeInt('slotMinutes', { description: 'Length of a pickup slot.' }),
    capacityPerSlot: t.exposeInt('capacityPerSlot', { description: 'Orders one pickup slot can take.' }),
    leadMinutes: t.exposeInt('leadMinutes', { description: 'Preparation time before the first slot offered.' }),
    holdHours: t.exposeInt('holdHours', { description: 'How long a ready order is kept before it expires.' }),
  }),
})

const OpeningHoursDay = builder.objectRef<{ weekday: WeekdayKey; ranges: TimeRange[] }>('OpeningHoursDay').implement({
  fields: (t) => ({
    weekday: t.field({ type: Weekday, resolve: (day) => day.weekday }),
    ranges: t.field({ type: [OpeningTimeRange], resolve: (day) => day.ranges }),
    closed: t.boolean({ resolve: (day) => day.ranges.length === 0 }),
  }),
})

const Address = builder.objectRef<StoreRow>('Address').implement({
  fields: (t) => ({
    line1: t.exposeString('address_line1'),
    city: t.exposeString('city'),
    postalCode: t.exposeString('postal_code'),
    country: t.exposeString('country'),
  }),
})

const GeoPoint = builder.objectRef<{ latitude: number; longitude: number }>('GeoPoint').implement({
  fields: (t) => ({ latitude: t.exposeFloat('latitude'), longitude: t.exposeFloat('longitude') }),
})

export const Store = builder.loadableNode('Store', {
  id: { resolve: (store: StoreRow | StoreView) => store.id },
  load: (ids: string[], context) => findStoresByIds(context.db, ids),
  sort: (store) => store.id,
  fields: (t) => ({
    code: t.exposeString('code'),
    name: t.exposeString('name'),
    address: t.field({ type: Address, resolve: (store) => store }),
    location: t.field({ type: GeoPoint, resolve: (store) => store }),
    timeZone: t.exposeString('time_zone', { description: 'IANA time zone, e.g. Europe/Paris.' }),
    locale: t.exposeString('locale', {
      description: 'The language its shoppers are written to when they have none: "fr" or "en".',
    }),
    currencyCode: t.exposeString('currency_code'),
    openingHours: t.field({
      type: [OpeningHoursDay],
      description: 'Weekly hours in the store time zone, Monday first.',
      resolve: (store) => WEEKDAYS.map((weekday) => ({ weekday, ranges: store.opening_hours[weekday] })),
    }),
    specialDays: t.field({
      type: [SpecialDay],
      description:
        'Closures and special hours from the store’s today on, in date order. A range past midnight belongs to the date it opens on.',
      resolve: (store, _args, context) =>
        upcomingSpecialDays(store.special_days, localTimeAt(context.now, store.time_zone).date),
    }),
    isOpenNow: t.boolean({
      description: 'Open by its hours for the date (special days included); says nothing of acceptingOrders.',
      resolve: (store, _args, context) => isOpenAt(storeHoursOf(store), store.time_zone, context.now),
    }),
    acceptingOrders: t.exposeBoolean('accepting_orders', {
      description:
        'False while the store has paused new click-and-collect orders: it offers no pickup slot and checkout refuses it.',
    }),
    pickupSettings: t.field({ type: PickupSettings, resolve: (store) => pickupSettingsOf(store) }),
    preparationMinutes: t.exposeInt('preparation_minutes'),
    distanceKm: t.float({
      nullable: true,
      description: 'Great-circle distance from the `near` point of the query.',
      resolve: (store) => ('distanceKm' in store && store.distanceKm !== null ? roundKm(store.distanceKm) : null),
    }),
    canFulfill: t.boolean({
      nullable: true,
      description: 'Whether the store takes orders and has every line of `availableFor` in stock.',
      resolve: (store) => ('canFulfill' in store ? store.canFulfill : null),
    }),
  }),
})

builder.queryFields((t) => ({
  stores: t.connection({
    type: Store,
    description: 'Stores nearest first when `near` is given (by code otherwise).',
    args: {
      near: t.arg({ type: GeoPointInput }),
      radiusKm: t.arg.float({ validate: z.number().positive().max(20_100) }),
      availableFor: t.arg({ type: [CartLineInput], validate: z.array(z.unknown()).min(1).max(100) }),
    },
    validate: z
      .looseObject({
        first: z.number().int().min(0).max(100).nullish(),
        last: z.number().int().min(0).max(100).nullish(),
        near: z.unknown().nullish(),
        radiusKm: z.number().nullish(),
      })
      .refine((args) => args.radiusKm == null || args.near != null, 'radiusKm needs a near point to measure from.'),
    resolve: (_root, args, context) =>
      resolveOffsetConnection({ args, defaultSize: 20, maxSize: 100 }, ({ limit, offset }) =>
        findStoresPage(context.db, {
          near: args.near ?? null,
          radiusKm: args.radiusKm ?? null,
          availableFor:
            args.availableFor?.map((line) => ({ variantId: line.variantId.id, quantity: line.quantity })) ?? null,
          limit,
          offset,
        }),
      ),
  }),
  store: t.field({
    type: Store,
    nullable: true,
    args: { id: t.arg.globalID({ required: true, for: Store }) },
    resolve: (_root, args) => args.id.id,
  }),
}))

function weekdayName(day: WeekdayKey): string {
  const names: Record<WeekdayKey, string> = {
    mon: 'MONDAY',
    tue: 'TUESDAY',
    wed: 'WEDNESDAY',
    thu: 'THURSDAY',
    fri: 'FRIDAY',
    sat: 'SATURDAY',
    sun: 'SUNDAY',
  }
  return names[day]
}

function roundKm(km: number): number {
  return Math.round(km * 1000) / 1000
}
