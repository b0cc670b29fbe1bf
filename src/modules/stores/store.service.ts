import type { Db } from '../../db/create-db.js'
import type { StoreRow } from '../../db/database.js'
import type { QuantityLine } from '../inventory/inventory.js'
import { findStoresThatCanFulfil } from '../inventory/inventory.service.js'
import type { GeoPoint } from './store.repository.js'
import * as storeRepository from './store.repository.js'

export interface StoreView extends StoreRow {
  /** Set when the caller gave a point to measure from. */
  distanceKm: number | null
  /** Set when the caller asked whether the store can take an order of a list of lines. */
  canFulfill: boolean | null
}

export function findStoresByIds(db: Db, ids: readonly string[]): Promise<StoreRow[]> {
  return storeRepository.findStoresByIds(db, ids)
}

export function findStore(db: Db, id: string): Promise<StoreRow | undefined> {
  return storeRepository.findStoreById(db, id)
}

/** The currencies the stores sell in: what a gift card bought online may be worth. */
export function storeCurrencies(db: Db): Promise<string[]> {
  return storeRepository.findStoreCurrencies(db)
}

/**
 * A page of stores, nearest first when `near` is given, each marked with whether it can fulfil
 * `availableFor` in full. Two queries whatever the page size.
 */
export async function findStoresPage(
  db: Db,
  options: {
    near: GeoPoint | null
    radiusKm: number | null
    availableFor: QuantityLine[] | null
    limit: number
    offset: number
  },
): Promise<StoreView[]> {
  const rows = await storeRepository.findStoresPage(db, options)
  const fulfilling = options.availableFor
    ? await findStoresThatCanFulfil(
        db,
        rows.map((row) => row.id),
        options.availableFor,
      )
    : null
  return rows.map(({ distance_km, ...store }) => ({
    ...store,
    distanceKm: distance_km,
    // A paused store stays listed (shoppers may still walk in) but fulfils no order.
    canFulfill: fulfilling ? store.accepting_orders && fulfilling.has(store.id) : null,
  }))
}
