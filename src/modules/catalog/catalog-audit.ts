import type { CategoryRow, ProductRow, VariantRow } from '../../db/database.js'
import type { AuditChange } from '../audit/audit.service.js'

/**
 * What the audit trail keeps of each catalog row: every field a back-office user can change. The
 * API and the bulk import both describe rows through these, so an entry reads the same whoever
 * made the change.
 */

export type AuditedProduct = Pick<
  ProductRow,
  'slug' | 'title' | 'description' | 'category_id' | 'options' | 'images' | 'active' | 'archived_at'
>
export type AuditedVariant = Pick<
  VariantRow,
  | 'product_id'
  | 'sku'
  | 'barcode'
  | 'title'
  | 'price_minor'
  | 'compare_at_price_minor'
  | 'currency_code'
  | 'tax_rate_bp'
  | 'selected_options'
  | 'active'
  | 'archived_at'
>

export function productState(product: AuditedProduct): Record<string, unknown> {
  return {
    slug: product.slug,
    title: product.title,
    description: product.description,
    categoryId: product.category_id,
    options: product.options,
    images: product.images,
    active: product.active,
    archivedAt: product.archived_at,
  }
}

export function variantState(variant: AuditedVariant): Record<string, unknown> {
  return {
    productId: variant.product_id,
    sku: variant.sku,
    barcode: variant.barcode,
    title: variant.title,
    priceMinor: variant.price_minor,
    compareAtPriceMinor: variant.compare_at_price_minor,
    currencyCode: variant.currency_code,
    taxRateBp: variant.tax_rate_bp,
    selectedOptions: variant.selected_options,
    active: variant.active,
    archivedAt: variant.archived_at,
  }
}

function categoryState(category: CategoryRow): Record<string, unknown> {
  return { slug: category.slug, name: category.name, parentId: category.parent_id }
}

type Action = 'CREATE' | 'UPDATE' | 'ARCHIVE'

export function productChange(action: Action, before: ProductRow | null, after: ProductRow): AuditChange {
  return {
    entity: 'product',
    entityId: after.id,
    action,
    before: before && productState(before),
    after: productState(after),
  }
}

export function variantChange(action: Action, before: VariantRow | null, after: VariantRow): AuditChange {
  return {
    entity: 'variant',
    entityId: after.id,
    action,
    before: before && variantState(before),
    after: variantState(after),
  }
}

export function categoryChange(action: Action, before: CategoryRow | null, after: CategoryRow): AuditChange {
  return {
    entity: 'category',
    entityId: after.id,
    action,
    before: before && categoryState(before),
    after: categoryState(after),
  }
}
