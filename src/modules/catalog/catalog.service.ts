import type { Db } from '../../db/create-db.js'
import type { CategoryRow, ProductRow, VariantRow } from '../../db/database.js'
import type { ProductPageQuery } from './catalog.repository.js'
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

/** Reads for the catalog's GraphQL types: resolvers reach the catalog's tables through here. */

export function findProductsPage(db: Db, page: ProductPageQuery): Promise<ProductRow[]> {
  return catalogRepository.findProductsPage(db, page)
}

export function findProductsByIds(db: Db, ids: readonly string[]): Promise<ProductRow[]> {
  return catalogRepository.findProductsByIds(db, ids)
}

export function findProductBySlug(db: Db, slug: string): Promise<ProductRow | undefined> {
  return catalogRepository.findProductBySlug(db, slug)
}

/** Every variant among `ids`, on sale or not. */
export function findVariantsByIds(db: Db, ids: readonly string[]): Promise<VariantRow[]> {
  return catalogRepository.findVariantsByIds(db, ids)
}

export function findActiveVariantsByProductIds(db: Db, productIds: readonly string[]): Promise<VariantRow[]> {
  return catalogRepository.findActiveVariantsByProductIds(db, productIds)
}

export function findCategoriesByIds(db: Db, ids: readonly string[]): Promise<CategoryRow[]> {
  return catalogRepository.findCategoriesByIds(db, ids)
}

export function findAllCategories(db: Db): Promise<CategoryRow[]> {
  return catalogRepository.findAllCategories(db)
}
