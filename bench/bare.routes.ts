import { Hono } from 'hono'
import { z } from 'zod'
import type { Db } from '../src/db/create-db.js'
import * as catalogRepository from '../src/modules/catalog/catalog.repository.js'
import { availabilityOf, levelKey } from '../src/modules/inventory/inventory.js'
import { findAvailableQuantities } from '../src/modules/inventory/inventory.service.js'
import { formatMinorUnits } from '../src/modules/shared/money.js'
import { findStore, findStoresPage } from '../src/modules/stores/store.service.js'

/**
 * The same reads as the GraphQL listings, without GraphQL: same repository and service calls,
 * same SQL (including the connections' extra "is there a next page" row) and a response body of
 * the same shape, so that the benchmark measures only what the GraphQL layer adds.
 */
export function bareRoutes(db: Db) {
  return new Hono()
    .get('/products', async (c) => {
      const query = productsQuery.safeParse(c.req.query())
      if (!query.success) return c.json({ error: query.error.issues[0]?.message ?? 'bad query' }, 400)
      const { storeId, first } = query.data

      const rows = await catalogRepository.findProductsPage(db, {
        search: null,
        categoryId: null,
        afterSlug: null,
        beforeSlug: null,
        limit: first + 1,
        descending: false,
      })
      const products = rows.slice(0, first)
      const variants = await catalogRepository.findActiveVariantsByProductIds(
        db,
        products.map((product) => product.id),
      )
      // Like the availability loader: the store and the levels in parallel, after the variants.
      const [store, available] = await Promise.all([
        findStore(db, storeId),
        findAvailableQuantities(
          db,
          [storeId],
          variants.map((variant) => variant.id),
        ),
      ])
      if (!store) return c.json({ error: 'store not found' }, 404)

      const edges = products.map((product) => ({
        node: {
          id: globalId('Product', product.id),
          title: product.title,
          variants: variants
            .filter((variant) => variant.product_id === product.id)
            .map((variant) => ({
              sku: variant.sku,
              price: {
                amount: formatMinorUnits({ amountMinor: variant.price_minor, currencyCode: variant.currency_code }),
                currencyCode: variant.currency_code,
              },
              availability: availabilityOf(
                available.get(levelKey(storeId, variant.id)) ?? 0,
                store.low_stock_threshold,
              ),
            })),
        },
      }))
      return c.json({ data: { products: { edges } } })
    })
    .get('/stores', async (c) => {
      const query = storesQuery.safeParse(c.req.query())
      if (!query.success) return c.json({ error: query.error.issues[0]?.message ?? 'bad query' }, 400)
      const { lat, lon, lines, first } = query.data

      const stores = await findStoresPage(db, {
        near: { latitude: lat, longitude: lon },
        radiusKm: null,
        availableFor: lines,
        limit: first + 1,
        offset: 0,
      })
      const edges = stores.slice(0, first).map((store) => ({
        node: {
          id: globalId('Store', store.id),
          code: store.code,
          distanceKm: store.distanceKm === null ? null : roundKm(store.distanceKm),
          canFulfill: store.canFulfill,
        },
      }))
      return c.json({ data: { stores: { edges } } })
    })
}

const pageSize = z.coerce.number().int().min(1).max(100)

const productsQuery = z.object({ storeId: z.uuid(), first: pageSize.default(20) })

/** "uuid:qty,uuid:qty" → quantity lines, or null when absent. */
const quantityLines = z
  .string()
  .transform((text) =>
    text.split(',').map((pair) => {
      const [variantId = '', quantity = ''] = pair.split(':')
      return { variantId, quantity: Number(quantity) }
    }),
  )
  .pipe(
    z
      .array(z.object({ variantId: z.uuid(), quantity: z.number().int().min(1).max(999) }))
      .min(1)
      .max(100),
  )

const storesQuery = z.object({
  lat: z.coerce.number().min(-90).max(90),
  lon: z.coerce.number().min(-180).max(180),
  lines: quantityLines.optional().transform((lines) => lines ?? null),
  first: pageSize.default(10),
})

/** Relay global ID, as Pothos encodes it: base64 of "Type:id". */
function globalId(typename: string, id: string): string {
  return Buffer.from(`${typename}:${id}`).toString('base64')
}

/** Same rounding as Store.distanceKm in the GraphQL schema. */
function roundKm(km: number): number {
  return Math.round(km * 1000) / 1000
}
