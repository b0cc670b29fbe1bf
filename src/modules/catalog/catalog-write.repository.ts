import { sql } from 'kysely'
import type { ProductImage, ProductOption, ProductRow, SelectedOption, VariantRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

/** The back office's writes to products and variants, and the reads they decide on. */

export interface NewProduct {
  slug: string
  title: string
  description: string
  categoryId: string | null
  options: ProductOption[]
  images: ProductImage[]
}

export interface NewVariant {
  productId: string
  sku: string
  barcode: string | null
  title: string
  priceMinor: number
  compareAtPriceMinor: number | null
  currencyCode: string
  taxRateBp: number
  selectedOptions: SelectedOption[]
  position: number
}

export function insertProduct(trx: Trx, product: NewProduct): Promise<ProductRow> {
  return trx
    .insertInto('product')
    .values({
      slug: product.slug,
      title: product.title,
      description: product.description,
      category_id: product.categoryId,
      options: JSON.stringify(product.options),
      images: JSON.stringify(product.images),
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function insertVariants(trx: Trx, variants: readonly NewVariant[]): Promise<VariantRow[]> {
  if (variants.length === 0) return Promise.resolve([])
  return trx
    .insertInto('variant')
    .values(
      variants.map((variant) => ({
        product_id: variant.productId,
        sku: variant.sku,
        barcode: variant.barcode,
        title: variant.title,
        price_minor: variant.priceMinor,
        compare_at_price_minor: variant.compareAtPriceMinor,
        currency_code: variant.currencyCode,
        tax_rate_bp: variant.taxRateBp,
        selected_options: JSON.stringify(variant.selectedOptions),
        position: variant.position,
      })),
    )
    .returningAll()
    .execute()
}

/** Locks the product: its options and its variants' selections change under this lock only. */
export function lockProduct(trx: Trx, productId: string): Promise<ProductRow | undefined> {
  return trx.selectFrom('product').selectAll().where('id', '=', productId).forUpdate().executeTakeFirst()
}

export function lockVariant(trx: Trx, variantId: string): Promise<VariantRow | undefined> {
  return trx.selectFrom('variant').selectAll().where('id', '=', variantId).forUpdate().executeTakeFirst()
}

/** Every variant of the product, archived ones too, in display order. */
export function findVariantsOfProduct(trx: Trx, productId: string): Promise<VariantRow[]> {
  return trx
    .selectFrom('variant')
    .selectAll()
    .where('product_id', '=', productId)
    .orderBy('position')
    .orderBy('sku')
    .execute()
}

export type ProductChanges = Partial<NewProduct>

export function updateProduct(trx: Trx, productId: string, changes: ProductChanges): Promise<ProductRow> {
  return trx
    .updateTable('product')
    .set({
      slug: changes.slug,
      title: changes.title,
      description: changes.description,
      category_id: changes.categoryId,
      options: changes.options && JSON.stringify(changes.options),
      images: changes.images && JSON.stringify(changes.images),
      updated_at: sql`now()`,
    })
    .where('id', '=', productId)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export type VariantChanges = Partial<Omit<NewVariant, 'productId' | 'position' | 'currencyCode'>>

export function updateVariant(trx: Trx, variantId: string, changes: VariantChanges): Promise<VariantRow> {
  return trx
    .updateTable('variant')
    .set({
      sku: changes.sku,
      barcode: changes.barcode,
      title: changes.title,
      price_minor: changes.priceMinor,
      compare_at_price_minor: changes.compareAtPriceMinor,
      tax_rate_bp: changes.taxRateBp,
      selected_options: changes.selectedOptions && JSON.stringify(changes.selectedOptions),
      updated_at: sql`now()`,
    })
    .where('id', '=', variantId)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Takes the product off sale for good: active false, archived now. */
export function archiveProduct(trx: Trx, productId: string): Promise<ProductRow> {
  return trx
    .updateTable('product')
    .set({ active: false, archived_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', productId)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Archives the given variants still on file; answers them as archived. */
export function archiveVariants(trx: Trx, variantIds: readonly string[]): Promise<VariantRow[]> {
  if (variantIds.length === 0) return Promise.resolve([])
  return trx
    .updateTable('variant')
    .set({ active: false, archived_at: sql`now()`, updated_at: sql`now()` })
    .where('id', 'in', variantIds)
    .returningAll()
    .execute()
}

export function findNextVariantPosition(trx: Trx, productId: string): Promise<number> {
  return trx
    .selectFrom('variant')
    .select(sql<number>`coalesce(max(position) + 1, 0)::int`.as('next'))
    .where('product_id', '=', productId)
    .executeTakeFirstOrThrow()
    .then((row) => row.next)
}
