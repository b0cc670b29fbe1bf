import type { Db } from '../../db/create-db.js'
import type { StoreRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import * as pickupSlotRepository from './pickup-slot.repository.js'
import {
  bookableSlots,
  computePickupSlots,
  findBookableSlot,
  type PickupSlot,
  type SlotStore,
  slotRulesOf,
} from './pickup-slots.js'

export interface PickupSlotView extends PickupSlot {
  /** Places left: capacity − booked, never negative. A full slot is listed with 0. */
  remaining: number
}

/**
 * The store's slots from `from` for `days` local days, with the places left in each. Only slots
 * a shopper could book now are listed (none past the MAX_BOOKING_DAYS window, none while the store
 * has paused orders). One query.
 */
export async function listPickupSlots(
  db: Db,
  store: StoreRow,
  options: { from: Date; days: number; now: Date },
): Promise<PickupSlotView[]> {
  const rules = slotRulesOf(store)
  const bookable = new Set(offeredSlots(store, options.now).map((slot) => slot.start.getTime()))
  const slots = computePickupSlots({ ...rules, ...options }).filter((slot) => bookable.has(slot.start.getTime()))
  if (slots.length === 0) return []
  const bookings = await pickupSlotRepository.findBookings(db, store.id, slots[0]!.start, afterLastStart(slots))
  return withRemaining(slots, bookings, store.slot_capacity)
}

/** The first slot with a place left within MAX_BOOKING_DAYS, or null. */
export async function nextPickupSlot(db: Db, store: StoreRow, now: Date): Promise<PickupSlotView | null> {
  const [next] = await nextPickupSlots(db, [store], now)
  return next ?? null
}

/** nextPickupSlot for each store, in the same order: one query whatever the number of stores. */
export async function nextPickupSlots(
  db: Db,
  stores: readonly StoreRow[],
  now: Date,
): Promise<(PickupSlotView | null)[]> {
  const slotsByStore = stores.map((store) => offeredSlots(store, now))
  const allSlots = slotsByStore.flat()
  if (allSlots.length === 0) return stores.map(() => null)
  const from = new Date(allSlots.reduce((min, slot) => Math.min(min, slot.start.getTime()), Number.POSITIVE_INFINITY))
  const bookings = await pickupSlotRepository.findBookingsForStores(
    db,
    stores.map((store) => store.id),
    from,
    afterLastStart(allSlots),
  )
  return stores.map((store, index) => {
    const slots = withRemaining(slotsByStore[index]!, bookings.get(store.id) ?? new Map(), store.slot_capacity)
    return slots.find((slot) => slot.remaining > 0) ?? null
  })
}

/** The store columns that decide which slots it offers and how full they may get. */
export type OfferingStore = SlotStore & Pick<StoreRow, 'id' | 'accepting_orders' | 'slot_capacity'>

/**
 * The first slot with a place left that starts at or after `earliest`, among those offered now
 * (so within MAX_BOOKING_DAYS, never too soon for the lead time); null when there is none. One query.
 */
export async function firstPickupSlotFrom(
  db: Db,
  store: OfferingStore,
  earliest: Date,
  now: Date,
): Promise<PickupSlotView | null> {
  const slots = offeredSlots(store, now).filter((slot) => slot.start.getTime() >= earliest.getTime())
  if (slots.length === 0) return null
  const bookings = await pickupSlotRepository.findBookings(db, store.id, slots[0]!.start, afterLastStart(slots))
  return withRemaining(slots, bookings, store.slot_capacity).find((slot) => slot.remaining > 0) ?? null
}

/** A store that has paused orders offers no slot: the checkout refuses it (STORE_NOT_ACCEPTING_ORDERS). */
function offeredSlots(store: OfferingStore, now: Date): PickupSlot[] {
  return store.accepting_orders ? bookableSlots(slotRulesOf(store), now) : []
}

/** The bookable slot of the store starting exactly at `slotStart`, or null; no I/O. */
export function findPickupSlot(store: SlotStore, slotStart: Date, now: Date): PickupSlot | null {
  return findBookableSlot(slotRulesOf(store), slotStart, now)
}

/** Gives back the place an order held (cancelled, expired); never below zero. Locks the slot's row. */
export function releasePickupSlot(trx: Trx, storeId: string, slotStart: Date): Promise<boolean> {
  return pickupSlotRepository.releaseSlot(trx, storeId, slotStart)
}

function withRemaining(slots: PickupSlot[], bookings: Map<number, number>, capacity: number): PickupSlotView[] {
  return slots.map((slot) => ({
    ...slot,
    remaining: Math.max(0, capacity - (bookings.get(slot.start.getTime()) ?? 0)),
  }))
}

function afterLastStart(slots: PickupSlot[]): Date {
  return new Date(slots.reduce((max, slot) => Math.max(max, slot.start.getTime()), 0) + 1)
}
