import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { StoreRow } from '../../db/database.js'

export interface GeoPoint {
  latitude: number
  longitude: number
}

export type StoreWithDistanceRow = StoreRow & { distance_km: number | null }

const EARTH_RADIUS_KM = 6371.0088

/** Great-circle (haversine) distance in km from each store to `point`, as a SQL expression. */
function distanceKmFrom(point: GeoPoint) {
  return sql<number>`${EARTH_RADIUS_KM}::float8 * 2 * asin(sqrt(
    power(sin(radians(store.latitude - ${point.latitude}::float8) / 2), 2)
    + cos(radians(${point.latitude}::float8)) * cos(radians(store.latitude))
      * power(sin(radians(store.longitude - ${point.longitude}::float8) / 2), 2)
  ))`
}

export function findStoresByIds(db: Db, ids: readonly string[]): Promise<StoreRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('store').selectAll().where('id', 'in', ids).execute()
}

export function findStoreById(db: Db, id: string): Promise<StoreRow | undefined> {
  return db.selectFrom('store').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Stores nearest first (ties by code) within radiusKm of `near`; by code when no point is given. */
export async function findStoresPage(
  db: Db,
  options: { near: GeoPoint | null; radiusKm: number | null; limit: number; offset: number },
): Promise<StoreWithDistanceRow[]> {
  const { near, radiusKm } = options
  if (!near) {
    const rows = await db
      .selectFrom('store')
      .selectAll()
      .orderBy('code')
      .limit(options.limit)
      .offset(options.offset)
      .execute()
    return rows.map((row) => ({ ...row, distance_km: null }))
  }
  let query = db
    .selectFrom((eb) => eb.selectFrom('store').selectAll().select(distanceKmFrom(near).as('distance_km')).as('store'))
    .selectAll()
  if (radiusKm !== null) query = query.where('distance_km', '<=', radiusKm)
  return query.orderBy('distance_km').orderBy('code').limit(options.limit).offset(options.offset).execute()
}

export async function findStoreCurrencies(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('store').select('currency_code').distinct().orderBy('currency_code').execute()
  return rows.map((row) => row.currency_code)
}
