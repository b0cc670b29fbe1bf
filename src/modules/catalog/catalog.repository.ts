import type { Db } from '../../db/create-db.js'
import type { CategoryRow, ProductRow, VariantRow } from '../../db/database.js'
import { categoryAndDescendants } from './category-tree.sql.js'

export interface ProductPageQuery {
  search: string | null
  categoryId: string | null
  afterSlug: string | null
  beforeSlug: string | null
  limit: number
  /** Read backwards from beforeSlug (for `last`); the caller restores ascending order. */
  descending: boolean
}

/** Active products in slug order, keyset-paginated so pages never skip or repeat a row. */
export async function findProductsPage(db: Db, page: ProductPageQuery): Promise<ProductRow[]> {
  let query = db.selectFrom('product').selectAll('product').where('product.active', '=', true)
  if (page.categoryId) query = query.where('product.category_id', 'in', categoryAndDescendants(page.categoryId))
  if (page.search) {
    const pattern = `%${escapeLikePattern(page.search)}%`
    query = query.where((eb) =>
      eb.or([
        eb('product.title', 'ilike', pattern),
        eb.exists(
          eb
            .selectFrom('variant')
            .select('variant.id')
            .whereRef('variant.product_id', '=', 'product.id')
            .where('variant.active', '=', true)
            .where('variant.sku', 'ilike', pattern),
        ),
      ]),
    )
  }
  if (page.afterSlug !== null) query = query.where('product.slug', '>', page.afterSlug)
  if (page.beforeSlug !== null) query = query.where('product.slug', '<', page.beforeSlug)
  return query
    .orderBy('product.slug', page.descending ? 'desc' : 'asc')
    .limit(page.limit)
    .execute()
}

export function findProductsByIds(db: Db, ids: readonly string[]): Promise<ProductRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('product').selectAll().where('id', 'in', ids).execute()
}

export function findProductBySlug(db: Db, slug: string): Promise<ProductRow | undefined> {
  return db.selectFrom('product').selectAll().where('slug', '=', slug).where('active', '=', true).executeTakeFirst()
}

export function findActiveVariantsByProductIds(db: Db, productIds: readonly string[]): Promise<VariantRow[]> {
  if (productIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('variant')
    .selectAll()
    .where('product_id', 'in', productIds)
    .where('active', '=', true)
    .orderBy('product_id')
    .orderBy('position')
    .orderBy('sku')
    .execute()
}

export function findVariantsByIds(db: Db, ids: readonly string[]): Promise<VariantRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('variant').selectAll().where('id', 'in', ids).execute()
}

export function findVariantsByBarcodes(db: Db, barcodes: readonly string[]): Promise<VariantRow[]> {
  if (barcodes.length === 0) return Promise.resolve([])
  return db.selectFrom('variant').selectAll().where('barcode', 'in', barcodes).execute()
}

export function findCategoriesByIds(db: Db, ids: readonly string[]): Promise<CategoryRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('category').selectAll().where('id', 'in', ids).execute()
}

export function findAllCategories(db: Db): Promise<CategoryRow[]> {
  return db.selectFrom('category').selectAll().orderBy('name').execute()
}

/** A shopper's "50%_off" must match those characters, not act as wildcards. */
function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`)
}
