import type { Db } from '../../db/create-db.js'
import { findProductsInStock } from './sellable-products.repository.js'

/** For each product, in order: whether a shopper can buy it now (in this store, or anywhere). */
export async function findAvailableForSale(
  db: Db,
  productIds: readonly string[],
  storeId: string | null,
): Promise<boolean[]> {
  const inStock = await findProductsInStock(db, productIds, storeId)
  return productIds.map((id) => inStock.has(id))
}
