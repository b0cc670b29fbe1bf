import type { ImportLineError } from '../../db/database.js'
import type { AuditChange } from '../audit/audit.service.js'
import { productState, variantState } from '../catalog/catalog-audit.js'
import { variantTitleOf } from '../catalog/catalog-rules.js'
import { type PriceCell, type ProductDraft, selectionOf } from './catalog-draft.js'
import type {
  ChangedRow,
  PermanentPrice,
  PriceInsert,
  ProductState,
  ProductUpsert,
  VariantState,
  VariantUpsert,
} from './import.repository.js'

/** The database checks a product passes before anything is written: taken barcodes, variants left out. */
export function groupConflicts(
  draft: ProductDraft,
  existing: ProductState | undefined,
  variants: readonly VariantState[],
  barcodeOwners: ReadonlyMap<string, string>,
): ImportLineError[] {
  const problems: ImportLineError[] = []
  for (const variant of draft.variants) {
    const owner = variant.barcode === null ? undefined : barcodeOwners.get(variant.barcode)
    if (owner !== undefined && owner !== variant.sku) {
      problems.push({ line: variant.line, message: `barcode ${variant.barcode} belongs to SKU ${owner}.` })
    }
  }
  if (existing) {
    const listed = new Set(draft.variants.map((variant) => variant.sku))
    const left = variants.filter(
      (variant) => variant.product_id === existing.id && variant.archived_at === null && !listed.has(variant.sku),
    )
    if (left.length > 0) {
      const skus = left.map((variant) => variant.sku)
      problems.push({
        line: draft.line,
        message: `product ${draft.handle} also has ${skus.slice(0, 5).join(', ')}${skus.length > 5 ? '…' : ''}; a product's lines list all its variants.`,
      })
    }
  }
  return problems
}

export function productUpsertOf(draft: ProductDraft, categoryId: string | null): ProductUpsert {
  return {
    slug: draft.handle,
    title: draft.title,
    description: draft.description,
    category_id: categoryId,
    options: draft.options,
    images: draft.images,
  }
}

export function variantUpsertsOf(draft: ProductDraft, productId: string): VariantUpsert[] {
  return draft.variants.map((variant, position) => {
    const selection = selectionOf(draft, variant)
    return {
      product_id: productId,
      sku: variant.sku,
      barcode: variant.barcode,
      title: variantTitleOf(selection),
      price_minor: variant.priceMinor,
      compare_at_price_minor: variant.compareAtPriceMinor,
      currency_code: variant.currencyCode,
      tax_rate_bp: variant.taxRateBp,
      position,
      selected_options: selection,
    }
  })
}

export interface PricePlan {
  inserts: PriceInsert[]
  updates: { id: string; amount_minor: number }[]
  /** Per variant id, the cells that change: for its audit entry. */
  changesByVariant: Map<string, { scope: string; before: number | null; after: number }[]>
}

/** The permanent overrides to add or correct so that each variant's price cells hold. */
export function planPrices(
  cells: readonly { variantId: string; prices: readonly PriceCell[] }[],
  existing: readonly PermanentPrice[],
  createdBy: string | null,
): PricePlan {
  const byScope = new Map<string, PermanentPrice[]>()
  for (const price of existing) {
    const key = scopeKey(price.variant_id, price.store_id, price.channel)
    byScope.set(key, [...(byScope.get(key) ?? []), price])
  }
  const plan: PricePlan = { inserts: [], updates: [], changesByVariant: new Map() }
  for (const { variantId, prices } of cells) {
    for (const cell of prices) {
      const rows = byScope.get(scopeKey(variantId, cell.storeId, cell.channel)) ?? []
      const stale = rows.filter((row) => row.amount_minor !== cell.amountMinor)
      // Every permanent override of a scope is set, so whichever one the price rule reads agrees.
      if (rows.length === 0) {
        plan.inserts.push({
          variant_id: variantId,
          store_id: cell.storeId,
          channel: cell.channel,
          amount_minor: cell.amountMinor,
          created_by: createdBy,
        })
      }
      for (const row of stale) plan.updates.push({ id: row.id, amount_minor: cell.amountMinor })
      if (rows.length === 0 || stale.length > 0) {
        const changes = plan.changesByVariant.get(variantId) ?? []
        changes.push({ scope: scopeLabel(cell), before: stale[0]?.amount_minor ?? null, after: cell.amountMinor })
        plan.changesByVariant.set(variantId, changes)
      }
    }
  }
  return plan
}

function scopeKey(variantId: string, storeId: string | null, channel: string | null): string {
  return `${variantId}|${storeId ?? ''}|${channel ?? ''}`
}

function scopeLabel(cell: PriceCell): string {
  return [cell.storeId && `store:${cell.storeId}`, cell.channel && `channel:${cell.channel}`].filter(Boolean).join(' ')
}

/**
 * One audit entry per product and per variant the batch changed, with its state before and after
 * in the same shape as the API's entries (catalog-audit.ts), a variant's also with the price cells
 * the file changed.
 */
export function catalogAuditChanges(
  changedProducts: readonly ChangedRow[],
  productUpserts: ReadonlyMap<string, ProductUpsert>,
  productsBefore: ReadonlyMap<string, ProductState>,
  changedVariants: ReadonlyMap<string, ChangedRow>,
  variantUpserts: ReadonlyMap<string, VariantUpsert>,
  variantsBefore: ReadonlyMap<string, VariantState>,
  prices: PricePlan,
  variantIdsBySku: ReadonlyMap<string, string>,
): AuditChange[] {
  const changes: AuditChange[] = changedProducts.map((row) => {
    const before = productsBefore.get(row.key)
    const upsert = productUpserts.get(row.key)!
    return {
      entity: 'product',
      entityId: row.id,
      action: row.inserted ? 'CREATE' : 'UPDATE',
      before: row.inserted || !before ? null : productState(before),
      after: productState({ active: true, archived_at: null, ...before, ...upsert }),
    }
  })
  for (const [sku, upsert] of variantUpserts) {
    const variantId = variantIdsBySku.get(sku)
    const row = changedVariants.get(sku)
    const priceChanges = variantId === undefined ? undefined : prices.changesByVariant.get(variantId)
    if (!variantId || (!row && !priceChanges)) continue
    const before = variantsBefore.get(sku)
    const pricesBefore = priceChanges?.map(({ scope, before }) => ({ scope, amountMinor: before }))
    const pricesAfter = priceChanges?.map(({ scope, after }) => ({ scope, amountMinor: after }))
    changes.push({
      entity: 'variant',
      entityId: variantId,
      action: row?.inserted ? 'CREATE' : 'UPDATE',
      before: row?.inserted || !before ? null : { ...variantState(before), prices: pricesBefore },
      after: { ...variantState({ active: true, archived_at: null, ...before, ...upsert }), prices: pricesAfter },
    })
  }
  return changes
}
