import type { Db } from '../../db/create-db.js'

/** Reads that decide whether the catalog's unique identifiers and currency are free to use. */

/** The values among these that another product or variant already holds. */
export async function findTakenIdentifiers(
  db: Db,
  wanted: {
    slug: string | null
    skus: readonly string[]
    barcodes: readonly string[]
    exceptVariantId: string | null
    exceptProductId: string | null
  },
): Promise<{ slugs: Set<string>; skus: Set<string>; barcodes: Set<string> }> {
  const exceptVariant = wanted.exceptVariantId
  const [products, skuRows, barcodeRows] = await Promise.all([
    wanted.slug === null
      ? []
      : db
          .selectFrom('product')
          .select('slug')
          .where('slug', '=', wanted.slug)
          .$if(wanted.exceptProductId !== null, (query) => query.where('id', '<>', wanted.exceptProductId!))
          .execute(),
    wanted.skus.length === 0
      ? []
      : db
          .selectFrom('variant')
          .select('sku')
          .where('sku', 'in', wanted.skus)
          .$if(exceptVariant !== null, (query) => query.where('id', '<>', exceptVariant!))
          .execute(),
    wanted.barcodes.length === 0
      ? []
      : db
          .selectFrom('variant')
          .select('barcode')
          .where('barcode', 'in', wanted.barcodes)
          .$if(exceptVariant !== null, (query) => query.where('id', '<>', exceptVariant!))
          .execute(),
  ])
  return {
    slugs: new Set(products.map((row) => row.slug)),
    skus: new Set(skuRows.map((row) => row.sku)),
    barcodes: new Set(barcodeRows.flatMap((row) => (row.barcode === null ? [] : [row.barcode]))),
  }
}

/** The currencies the network sells in (its stores'), or failing any store, its variants'. */
export async function findCatalogCurrencies(db: Db): Promise<string[]> {
  const stores = await db.selectFrom('store').select('currency_code').distinct().execute()
  if (stores.length > 0) return stores.map((row) => row.currency_code)
  const variant = await db.selectFrom('variant').select('currency_code').limit(1).executeTakeFirst()
  return variant ? [variant.currency_code] : []
}
