import type { Db } from '../../db/create-db.js'
import type { VariantRow } from '../../db/database.js'
import * as catalogRepository from './catalog.repository.js'

/** The variants among `ids` that exist and are on sale, keyed by id. */
export async function findActiveVariants(db: Db, ids: readonly string[]): Promise<Map<string, VariantRow>> {
  const variants = await catalogRepository.findVariantsByIds(db, [...new Set(ids)])
  return new Map(variants.filter((variant) => variant.active).map((variant) => [variant.id, variant]))
}

/** The variants on sale among the scanned `barcodes`, keyed by barcode. */
export async function findActiveVariantsByBarcodes(
  db: Db,
  barcodes: readonly string[],
): Promise<Map<string, VariantRow>> {
  const variants = await catalogRepository.findVariantsByBarcodes(db, [...new Set(barcodes)])
  return new Map(variants.filter((variant) => variant.active).map((variant) => [variant.barcode ?? '', variant]))
}
