import { z } from 'zod'
import type { StoreRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { localeInput } from '../../graphql/input-validation.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { auditAuthorOf } from '../../graphql/viewer-actor.js'
import { localeOf } from '../shared/locale.js'
import { GeoPointInput, Store, Weekday } from './store.schema.js'
import { createStore, setStoreAcceptingOrders, setStoreSpecialDay, updateStore } from './store-admin.service.js'
import { PICKUP_SETTING_BOUNDS, STORE_CODE_PATTERN } from './store-rules.js'
import type { OpeningDay, PickupSettings, StoreAddress } from './store-settings.js'

const text = (max: number) => z.string().trim().min(1).max(max)

const OpeningTimeRangeInput = builder.inputType('OpeningTimeRangeInput', {
  description: 'Local wall-clock times "HH:MM"; a close at or before the open is on the next day.',
  fields: (t) => ({
    opens: t.string({ required: true, validate: z.string().max(5) }),
    closes: t.string({ required: true, validate: z.string().max(5) }),
  }),
})

const OpeningHoursDayInput = builder.inputType('OpeningHoursDayInput', {
  fields: (t) => ({
    weekday: t.field({ type: Weekday, required: true }),
    ranges: t.field({ type: [OpeningTimeRangeInput], required: true, description: '[] closes the day.' }),
  }),
})

const AddressInput = builder.inputType('AddressInput', {
  fields: (t) => ({
    line1: t.string({ required: true, validate: text(200) }),
    city: t.string({ required: true, validate: text(100) }),
    postalCode: t.string({ required: true, validate: text(20) }),
    country: t.string({ required: true, validate: z.string().regex(/^[A-Z]{2}$/, 'country is ISO 3166-1 alpha-2') }),
  }),
})

const bounded = (setting: keyof typeof PICKUP_SETTING_BOUNDS) =>
  z.number().int().min(PICKUP_SETTING_BOUNDS[setting].min).max(PICKUP_SETTING_BOUNDS[setting].max)

const PickupSettingsInput = builder.inputType('PickupSettingsInput', {
  description: 'Only the settings given change (on create, the others take their defaults).',
  fields: (t) => ({
    slotMinutes: t.int({ validate: bounded('slotMinutes') }),
    capacityPerSlot: t.int({ validate: bounded('capacityPerSlot') }),
    leadMinutes: t.int({ description: 'Preparation time before the first slot.', validate: bounded('leadMinutes') }),
    holdHours: t.int({ description: 'How long a ready order waits.', validate: bounded('holdHours') }),
  }),
})

const StoreCreateInput = builder.inputType('StoreCreateInput', {
  fields: (t) => ({
    code: t.string({
      required: true,
      validate: z.string().regex(STORE_CODE_PATTERN, 'code is A-Z, 0-9 and -, 2 to 16'),
    }),
    name: t.string({ required: true, validate: text(100) }),
    address: t.field({ type: AddressInput, required: true }),
    location: t.field({ type: GeoPointInput, required: true }),
    timeZone: t.string({ required: true, description: 'IANA, e.g. Europe/Paris.', validate: z.string().max(64) }),
    currencyCode: t.string({
      required: true,
      validate: z.string().refine((code) => Intl.supportedValuesOf('currency').includes(code), 'not an ISO 4217 code'),
    }),
    locale: t.string({
      description: 'The language shoppers without one are written to: "fr" or "en" (the default).',
      validate: localeInput,
    }),
    openingHours: t.field({ type: [OpeningHoursDayInput], required: true, description: 'Days not listed are closed.' }),
    pickupSettings: t.field({ type: PickupSettingsInput }),
  }),
})

/** Where the store is and what it is called are for admins; its hours and pickup settings, its managers' too. */
const ADMIN_FIELDS = ['name', 'address', 'location', 'timeZone', 'locale'] as const
const MANAGER_FIELDS = ['openingHours', 'pickupSettings'] as const

const StoreUpdateInput = builder.inputType('StoreUpdateInput', {
  description:
    'Only the fields given change; days of openingHours not listed keep their hours. A manager of the store may change openingHours and pickupSettings; name, address, location, timeZone and locale are for admins.',
  fields: (t) => ({
    storeId: t.globalID({ required: true, for: Store }),
    name: t.string({ validate: text(100) }),
    address: t.field({ type: AddressInput }),
    location: t.field({ type: GeoPointInput }),
    timeZone: t.string({ validate: z.string().max(64) }),
    locale: t.string({ description: '"fr" or "en".', validate: localeInput }),
    openingHours: t.field({ type: [OpeningHoursDayInput] }),
    pickupSettings: t.field({ type: PickupSettingsInput }),
  }),
  validate: z
    .looseObject({})
    .refine(
      (input) => ADMIN_FIELDS.some((key) => input[key] != null) || MANAGER_FIELDS.some((key) => input[key] != null),
      'Give a field to change.',
    ),
})

const StoreClosureSetInput = builder.inputType('StoreClosureSetInput', {
  description:
    'The hours of one local date: closed: true closes it; specialHours replace its weekly hours; closed: false without specialHours gives it back its weekly hours.',
  fields: (t) => ({
    storeId: t.globalID({ required: true, for: Store }),
    date: t.string({
      required: true,
      description: 'The store’s local date, YYYY-MM-DD.',
      validate: z.string().max(10),
    }),
    closed: t.boolean({ required: true }),
    specialHours: t.field({ type: [OpeningTimeRangeInput] }),
  }),
  validate: z
    .looseObject({ closed: z.boolean(), specialHours: z.array(z.unknown()).nullish() })
    .refine((input) => !(input.closed && input.specialHours != null), 'A closed date has no specialHours.')
    .refine(
      (input) => input.specialHours == null || input.specialHours.length > 0,
      'Close the date with closed: true.',
    ),
})

const StoreSetAcceptingOrdersInput = builder.inputType('StoreSetAcceptingOrdersInput', {
  fields: (t) => ({
    storeId: t.globalID({ required: true, for: Store }),
    accepting: t.boolean({ required: true, description: 'false pauses new click-and-collect orders at once.' }),
  }),
})

const storePayload = (name: string) =>
  builder.objectRef<Payload<{ store: StoreRow }>>(name).implement({
    fields: (t) => ({
      store: t.field({ type: Store, nullable: true, resolve: (payload) => payload.store ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
    }),
  })

builder.mutationFields((t) => ({
  storeCreate: t.field({
    type: storePayload('StoreCreatePayload'),
    description: 'Admins: opens a new store.',
    args: { input: t.arg({ type: StoreCreateInput, required: true }) },
    authScopes: { admin: true },
    resolve: (_root, { input }, context) =>
      withUserErrors(() =>
        createStore(context.db, auditAuthorOf(context), {
          code: input.code,
          name: input.name.trim(),
          address: addressOf(input.address),
          location: input.location,
          timeZone: input.timeZone,
          locale: localeOf(input.locale),
          currencyCode: input.currencyCode,
          openingHours: openingDaysOf(input.openingHours),
          pickupSettings: pickupSettingsOf(input.pickupSettings),
        }),
      ),
  }),
  storeUpdate: t.field({
    type: storePayload('StoreUpdatePayload'),
    description: 'Admins, or a manager of the store for its hours and pickup settings.',
    args: { input: t.arg({ type: StoreUpdateInput, required: true }) },
    authScopes: (_root, { input }) =>
      ADMIN_FIELDS.some((key) => input[key] != null) ? { admin: true } : { managerOfStore: input.storeId.id },
    resolve: (_root, { input }, context) =>
      withUserErrors(() =>
        updateStore(context.db, auditAuthorOf(context), input.storeId.id, {
          name: input.name?.trim(),
          address: input.address ? addressOf(input.address) : undefined,
          location: input.location ?? undefined,
          timeZone: input.timeZone ?? undefined,
          locale: localeOf(input.locale),
          openingHours: input.openingHours ? openingDaysOf(input.openingHours) : undefined,
          pickupSettings: pickupSettingsOf(input.pickupSettings),
        }),
      ),
  }),
  storeClosureSet: t.field({
    type: storePayload('StoreClosureSetPayload'),
    description: 'Admins or a manager of the store: closes a date, gives it special hours, or clears it; at once.',
    args: { input: t.arg({ type: StoreClosureSetInput, required: true }) },
    authScopes: (_root, { input }) => ({ managerOfStore: input.storeId.id }),
    resolve: (_root, { input }, context) =>
      withUserErrors(() =>
        setStoreSpecialDay(context.db, auditAuthorOf(context), {
          storeId: input.storeId.id,
          date: input.date,
          ranges: input.closed ? [] : (input.specialHours?.map(({ opens, closes }) => ({ opens, closes })) ?? null),
          now: context.now,
        }),
      ),
  }),
  storeSetAcceptingOrders: t.field({
    type: storePayload('StoreSetAcceptingOrdersPayload'),
    description: 'Admins or a manager of the store: pauses or resumes new click-and-collect orders, at once.',
    args: { input: t.arg({ type: StoreSetAcceptingOrdersInput, required: true }) },
    authScopes: (_root, { input }) => ({ managerOfStore: input.storeId.id }),
    resolve: (_root, { input }, context) =>
      withUserErrors(() =>
        setStoreAcceptingOrders(context.db, auditAuthorOf(context), input.storeId.id, input.accepting),
      ),
  }),
}))

function addressOf(address: StoreAddress): StoreAddress {
  return {
    line1: address.line1.trim(),
    city: address.city.trim(),
    postalCode: address.postalCode.trim(),
    country: address.country,
  }
}

function openingDaysOf(
  days: readonly { weekday: OpeningDay['weekday']; ranges: OpeningDay['ranges'] }[],
): OpeningDay[] {
  return days.map(({ weekday, ranges }) => ({
    weekday,
    ranges: ranges.map(({ opens, closes }) => ({ opens, closes })),
  }))
}

function pickupSettingsOf(settings: { [K in keyof PickupSettings]?: number | null } | null | undefined) {
  const given: Partial<PickupSettings> = {}
  for (const key of ['slotMinutes', 'capacityPerSlot', 'leadMinutes', 'holdHours'] as const) {
    const value = settings?.[key]
    if (value != null) given[key] = value
  }
  return given
}
