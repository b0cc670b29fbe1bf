import type { Db } from '../../db/create-db.js'
import type { SelectedOption, VariantRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import { type AuditAuthor, recordAudit } from '../audit/audit.service.js'
import { CatalogInputError, catalogProblem, refuseProblems } from './catalog.errors.js'
import * as catalogRepository from './catalog.repository.js'
import { variantChange } from './catalog-audit.js'
import {
  assertIdentifiersFree,
  catalogCurrency,
  type IdentifierClaims,
  refusingTakenIdentifiers,
} from './catalog-identifiers.service.js'
import {
  compareAtPriceProblem,
  selectionAmongProblems,
  type VariantDraft,
  variantDraftProblems,
} from './catalog-input.js'
import { barcodeProblem, orderedSelection, skuProblem, variantTitleOf } from './catalog-rules.js'
import * as catalogWriteRepository from './catalog-write.repository.js'
import { lockEditableProduct } from './product-admin.service.js'

/** The back office's variant use cases. Each locks the product first, as product changes do. */

function identifierClaims(sku: string | undefined, barcode: string | null | undefined, exceptVariantId: string | null) {
  return {
    slug: null,
    skus: sku === undefined ? [] : [{ value: sku, field: ['sku'] }],
    barcodes: barcode == null ? [] : [{ value: barcode, field: ['barcode'] }],
    exceptProductId: null,
    exceptVariantId,
  } satisfies IdentifierClaims
}

/** Adds a variant, last in the product's order, priced in the currency of the product's variants. */
export async function createVariant(
  db: Db,
  author: AuditAuthor,
  productId: string,
  draft: VariantDraft,
  requestedCurrency: string | null,
): Promise<VariantRow> {
  refuseProblems(variantDraftProblems(draft, []))
  const claims = identifierClaims(draft.sku, draft.barcode, null)
  await assertIdentifiersFree(db, claims)
  return refusingTakenIdentifiers(
    () =>
      inTransaction(db, async (trx) => {
        const product = await lockEditableProduct(trx, productId)
        const siblings = await catalogWriteRepository.findVariantsOfProduct(trx, productId)
        const onSale = siblings.filter((variant) => variant.active)
        refuseProblems(selectionAmongProblems(product.options, onSale, draft.selectedOptions, ['selectedOptions']))
        const currencyCode = await currencyOfProduct(trx, siblings, requestedCurrency)
        const selection = orderedSelection(product.options, draft.selectedOptions) ?? []
        const [variant] = await catalogWriteRepository.insertVariants(trx, [
          {
            ...draft,
            productId,
            title: variantTitleOf(selection),
            selectedOptions: selection,
            currencyCode,
            position: await catalogWriteRepository.findNextVariantPosition(trx, productId),
          },
        ])
        await recordAudit(trx, author, variantChange('CREATE', null, variant!))
        return variant!
      }),
    () => assertIdentifiersFree(db, claims),
  )
}

/** A product's variants share one currency (a cart holds one); a new product's is the catalog's. */
async function currencyOfProduct(trx: Trx, siblings: readonly VariantRow[], requested: string | null): Promise<string> {
  const existing = siblings[0]?.currency_code
  if (existing === undefined) return catalogCurrency(trx, requested)
  if (requested !== null && requested !== existing) {
    throw new CatalogInputError([catalogProblem.currencyMismatch(['currencyCode'], existing)])
  }
  return existing
}

export interface VariantUpdate {
  sku?: string
  /** null removes the barcode. */
  barcode?: string | null
  /** The base price, in minor units of the variant's currency. */
  priceMinor?: number
  /** null removes the compare-at price. */
  compareAtPriceMinor?: number | null
  taxRateBp?: number
  selectedOptions?: SelectedOption[]
  /** When given, must be the variant's currency: a price never changes currency. */
  currencyCode?: string
}

/** Changes a variant on sale; its base price change shows in the audit entry's before and after. */
export async function updateVariant(
  db: Db,
  author: AuditAuthor,
  variantId: string,
  changes: VariantUpdate,
): Promise<VariantRow> {
  refuseProblems([
    changes.sku === undefined ? null : skuProblem(changes.sku, ['sku']),
    changes.barcode == null ? null : barcodeProblem(changes.barcode, ['barcode']),
  ])
  const claims = identifierClaims(changes.sku, changes.barcode, variantId)
  await assertIdentifiersFree(db, claims)
  return refusingTakenIdentifiers(
    () =>
      inTransaction(db, async (trx) => {
        const before = await lockVariantOnFile(trx, variantId)
        if (changes.currencyCode !== undefined && changes.currencyCode !== before.currency_code) {
          throw new CatalogInputError([catalogProblem.currencyMismatch(['currencyCode'], before.currency_code)])
        }
        const priceMinor = changes.priceMinor ?? before.price_minor
        const compareAt =
          changes.compareAtPriceMinor === undefined ? before.compare_at_price_minor : changes.compareAtPriceMinor
        refuseProblems([compareAtPriceProblem(priceMinor, compareAt, ['compareAtPrice'])])
        const selection = changes.selectedOptions && (await checkedSelection(trx, before, changes.selectedOptions))
        const variant = await catalogWriteRepository.updateVariant(trx, variantId, {
          sku: changes.sku,
          barcode: changes.barcode,
          priceMinor: changes.priceMinor,
          compareAtPriceMinor: changes.compareAtPriceMinor,
          taxRateBp: changes.taxRateBp,
          ...(selection && { selectedOptions: selection, title: variantTitleOf(selection) }),
        })
        await recordAudit(trx, author, variantChange('UPDATE', before, variant))
        return variant
      }),
    () => assertIdentifiersFree(db, claims),
  )
}

/** Takes one variant off sale for good: it leaves carts' reach, past orders keep their lines. */
export async function archiveVariant(db: Db, author: AuditAuthor, variantId: string): Promise<VariantRow> {
  return inTransaction(db, async (trx) => {
    const before = await lockVariantWithProduct(trx, variantId)
    if (before.archived_at !== null) return before
    const [variant] = await catalogWriteRepository.archiveVariants(trx, [variantId])
    await recordAudit(trx, author, variantChange('ARCHIVE', before, variant!))
    return variant!
  })
}

async function lockVariantWithProduct(trx: Trx, variantId: string): Promise<VariantRow> {
  const [found] = await catalogRepository.findVariantsByIds(trx, [variantId])
  if (!found) throw new CatalogInputError([catalogProblem.unknownVariant(['variantId'])])
  await catalogWriteRepository.lockProduct(trx, found.product_id)
  const variant = await catalogWriteRepository.lockVariant(trx, variantId)
  if (!variant) throw new CatalogInputError([catalogProblem.unknownVariant(['variantId'])])
  return variant
}

async function lockVariantOnFile(trx: Trx, variantId: string): Promise<VariantRow> {
  const variant = await lockVariantWithProduct(trx, variantId)
  if (variant.archived_at !== null) throw new CatalogInputError([catalogProblem.variantArchived(['variantId'])])
  return variant
}

async function checkedSelection(trx: Trx, variant: VariantRow, selected: SelectedOption[]): Promise<SelectedOption[]> {
  const product = await lockEditableProduct(trx, variant.product_id, ['variantId'])
  const others = (await catalogWriteRepository.findVariantsOfProduct(trx, variant.product_id)).filter(
    (other) => other.active && other.id !== variant.id,
  )
  refuseProblems(selectionAmongProblems(product.options, others, selected, ['selectedOptions']))
  return orderedSelection(product.options, selected) ?? []
}
