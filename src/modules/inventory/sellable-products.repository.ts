import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import { availableUnitsSql } from './available-units.sql.js'

/**
 * Among these products, those on sale with a variant on sale that a shopper could order now:
 * available (on_hand − reserved − safety_stock, as `availableQuantity` counts it) above zero,
 * in this store or, without one, in any store. One statement for a whole page.
 */
export async function findProductsInStock(
  db: Db,
  productIds: readonly string[],
  storeId: string | null,
): Promise<Set<string>> {
  if (productIds.length === 0) return new Set()
  const rows = await db
    .selectFrom('product')
    .select('product.id')
    .where('product.id', 'in', productIds)
    .where('product.active', '=', true)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('variant')
          .innerJoin('inventory_level', 'inventory_level.variant_id', 'variant.id')
          .select(sql`1`.as('one'))
          .whereRef('variant.product_id', '=', 'product.id')
          .where('variant.active', '=', true)
          .where(availableUnitsSql('inventory_level'), '>', 0)
          .$if(storeId !== null, (query) => query.where('inventory_level.store_id', '=', storeId!)),
      ),
    )
    .execute()
  return new Set(rows.map((row) => row.id))
}
