import type { Db } from '../../db/create-db.js'
import type { StoreRow, TimeRange, WeeklyHours } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { type AuditAuthor, recordAudit } from '../audit/audit.service.js'
import { NotFoundError } from '../shared/not-found.js'
import { localTimeAt } from './opening-hours.js'
import { InvalidOpeningHoursError, InvalidTimeZoneError, StoreCodeTakenError } from './store.errors.js'
import * as storeAdminRepository from './store-admin.repository.js'
import {
  dayRangesProblem,
  type InputProblem,
  openingDaysProblem,
  specialDateProblem,
  timeZoneProblem,
  weekOverlapProblem,
} from './store-rules.js'
import {
  type NewStore,
  type OpeningDay,
  type StoreChanges,
  type StoreColumns,
  specialDaysWith,
  storeAuditView,
  storeColumnsOf,
  weekWith,
} from './store-settings.js'

const CLOSED_WEEK: WeeklyHours = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }

/** Creates a store, with its audit entry, in one transaction; STORE_CODE_TAKEN when its code is, even under a race. */
export async function createStore(db: Db, author: AuditAuthor, input: NewStore): Promise<{ store: StoreRow }> {
  failOn(InvalidTimeZoneError, timeZoneProblem(input.timeZone, ['timeZone']))
  const openingHours = checkedWeek(CLOSED_WEEK, input.openingHours)
  const store = await inTransaction(db, async (trx) => {
    const created = await storeAdminRepository.insertStoreUnlessCodeTaken(trx, {
      ...storeColumnsOf({ pickupSettings: input.pickupSettings, locale: input.locale }),
      code: input.code,
      name: input.name,
      address_line1: input.address.line1,
      city: input.address.city,
      postal_code: input.address.postalCode,
      country: input.address.country,
      latitude: input.location.latitude,
      longitude: input.location.longitude,
      time_zone: input.timeZone,
      currency_code: input.currencyCode,
      opening_hours: JSON.stringify(openingHours),
    })
    if (!created) throw new StoreCodeTakenError()
    await recordAudit(trx, author, {
      entity: 'store',
      entityId: created.id,
      action: 'CREATE',
      before: null,
      after: storeAuditView(created),
    })
    return created
  })
  return { store }
}

/** Changes what `changes` gives, under the store's lock, with its audit entry. */
export async function updateStore(
  db: Db,
  author: AuditAuthor,
  storeId: string,
  changes: StoreChanges,
): Promise<{ store: StoreRow }> {
  if (changes.timeZone !== undefined) failOn(InvalidTimeZoneError, timeZoneProblem(changes.timeZone, ['timeZone']))
  const days = changes.openingHours
  return changeStore(db, author, storeId, 'UPDATE', (store) => ({
    ...storeColumnsOf(changes),
    ...(days ? { opening_hours: JSON.stringify(checkedWeek(store.opening_hours, days)) } : {}),
  }))
}

/**
 * Sets the hours of one local date: [] closes it, ranges replace its weekly hours, null gives it
 * back its weekly hours. The date is the store's, from its today on; `now` says when that is.
 */
export async function setStoreSpecialDay(
  db: Db,
  author: AuditAuthor,
  input: { storeId: string; date: string; ranges: TimeRange[] | null; now: Date },
): Promise<{ store: StoreRow }> {
  if (input.ranges) failOn(InvalidOpeningHoursError, dayRangesProblem(input.ranges, ['specialHours']))
  const action = input.ranges === null ? 'SPECIAL_DAY_CLEAR' : 'SPECIAL_DAY_SET'
  return changeStore(db, author, input.storeId, action, (store) => {
    const today = localTimeAt(input.now, store.time_zone).date
    failOn(InvalidOpeningHoursError, specialDateProblem(input.date, today, ['date']))
    return { special_days: JSON.stringify(specialDaysWith(store.special_days, input.date, input.ranges, today)) }
  })
}

/** Pauses (false) or resumes (true) new click-and-collect orders at once; orders placed go on. */
export function setStoreAcceptingOrders(
  db: Db,
  author: AuditAuthor,
  storeId: string,
  accepting: boolean,
): Promise<{ store: StoreRow }> {
  return changeStore(db, author, storeId, accepting ? 'RESUME_ORDERS' : 'PAUSE_ORDERS', () => ({
    accepting_orders: accepting,
  }))
}

type StoreUpdate = StoreColumns & { opening_hours?: string; special_days?: string; accepting_orders?: boolean }

/**
 * Locks the store, applies what `changesOf` derives from it (it may throw: nothing is written),
 * and records the change when there is one. Concurrent changes of one store queue on the lock, so
 * none is lost (two dates closed at once both stay closed).
 */
async function changeStore(
  db: Db,
  author: AuditAuthor,
  storeId: string,
  action: string,
  changesOf: (store: StoreRow) => StoreUpdate,
): Promise<{ store: StoreRow }> {
  const store = await inTransaction(db, async (trx) => {
    const before = await storeAdminRepository.lockStore(trx, storeId)
    if (!before) throw new NotFoundError('Store', storeId)
    const changes = changesOf(before)
    if (Object.keys(changes).length === 0) return before
    const after = await storeAdminRepository.updateStore(trx, storeId, changes)
    const [beforeView, afterView] = [storeAuditView(before), storeAuditView(after)]
    if (JSON.stringify(beforeView) !== JSON.stringify(afterView)) {
      await recordAudit(trx, author, {
        entity: 'store',
        entityId: storeId,
        action,
        before: beforeView,
        after: afterView,
      })
    }
    return after
  })
  return { store }
}

/** The week `days` make of `base`, or INVALID_OPENING_HOURS. */
function checkedWeek(base: WeeklyHours, days: OpeningDay[]): WeeklyHours {
  failOn(InvalidOpeningHoursError, openingDaysProblem(days, ['openingHours']))
  const week = weekWith(base, days)
  failOn(InvalidOpeningHoursError, weekOverlapProblem(week, ['openingHours']))
  return week
}

function failOn(error: new (problem: InputProblem) => Error, problem: InputProblem | null): void {
  if (problem) throw new error(problem)
}
