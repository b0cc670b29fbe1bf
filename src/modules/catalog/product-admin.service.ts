import type { Db } from '../../db/create-db.js'
import type { ProductImage, ProductOption, ProductRow, VariantRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import { type AuditAuthor, type AuditChange, recordAudit } from '../audit/audit.service.js'
import { CatalogInputError, catalogProblem, refuseProblems } from './catalog.errors.js'
import { productChange, variantChange } from './catalog-audit.js'
import {
  assertIdentifiersFree,
  catalogCurrency,
  type IdentifierClaims,
  refusingTakenIdentifiers,
} from './catalog-identifiers.service.js'
import { optionsKeepVariantsProblems, type ProductDraft, productDraftProblems } from './catalog-input.js'
import { orderedSelection, slugProblem, variantTitleOf } from './catalog-rules.js'
import * as catalogWriteRepository from './catalog-write.repository.js'
import { assertCategoryExists } from './category.service.js'

/** The back office's product use cases: each one transaction with its audit entries. */

/** Creates a product with its variants; every rule is checked before anything is written. */
export async function createProduct(
  db: Db,
  author: AuditAuthor,
  draft: ProductDraft,
  requestedCurrency: string | null,
): Promise<ProductRow> {
  refuseProblems(productDraftProblems(draft))
  if (draft.categoryId !== null) await assertCategoryExists(db, draft.categoryId, ['categoryId'])
  const currencyCode = await catalogCurrency(db, requestedCurrency)
  const claims: IdentifierClaims = {
    slug: { value: draft.slug, field: ['slug'] },
    skus: draft.variants.map((variant, index) => ({ value: variant.sku, field: ['variants', String(index), 'sku'] })),
    barcodes: draft.variants.flatMap((variant, index) =>
      variant.barcode === null ? [] : [{ value: variant.barcode, field: ['variants', String(index), 'barcode'] }],
    ),
    exceptProductId: null,
    exceptVariantId: null,
  }
  await assertIdentifiersFree(db, claims)
  return refusingTakenIdentifiers(
    () =>
      inTransaction(db, async (trx) => {
        const product = await catalogWriteRepository.insertProduct(trx, draft)
        const variants = await catalogWriteRepository.insertVariants(
          trx,
          draft.variants.map((variant, position) => {
            const selection = orderedSelection(draft.options, variant.selectedOptions) ?? []
            return {
              ...variant,
              productId: product.id,
              title: variantTitleOf(selection),
              selectedOptions: selection,
              currencyCode,
              position,
            }
          }),
        )
        await recordAudit(trx, author, [
          productChange('CREATE', null, product),
          ...variants.map((variant) => variantChange('CREATE', null, variant)),
        ])
        return product
      }),
    () => assertIdentifiersFree(db, claims),
  )
}

export interface ProductUpdate {
  title?: string
  slug?: string
  description?: string
  /** null takes the product out of its category. */
  categoryId?: string | null
  options?: ProductOption[]
  images?: ProductImage[]
}

/**
 * Changes a product's own fields. New options must fit every variant on sale; their values are
 * then spelled as the options spell them. Locks the product, so no variant changes meanwhile.
 */
export async function updateProduct(
  db: Db,
  author: AuditAuthor,
  productId: string,
  changes: ProductUpdate,
): Promise<ProductRow> {
  if (changes.slug !== undefined) refuseProblems([slugProblem(changes.slug, ['slug'])])
  if (changes.categoryId) await assertCategoryExists(db, changes.categoryId, ['categoryId'])
  const claims: IdentifierClaims = {
    slug: changes.slug === undefined ? null : { value: changes.slug, field: ['slug'] },
    skus: [],
    barcodes: [],
    exceptProductId: productId,
    exceptVariantId: null,
  }
  await assertIdentifiersFree(db, claims)
  return refusingTakenIdentifiers(
    () =>
      inTransaction(db, async (trx) => {
        const before = await lockEditableProduct(trx, productId)
        const respelled = changes.options === undefined ? [] : await respellVariants(trx, productId, changes.options)
        const product = await catalogWriteRepository.updateProduct(trx, productId, changes)
        await recordAudit(trx, author, [productChange('UPDATE', before, product), ...respelled])
        return product
      }),
    () => assertIdentifiersFree(db, claims),
  )
}

/** Takes a product off the storefront for good, with its variants; past orders keep their lines. */
export async function archiveProduct(db: Db, author: AuditAuthor, productId: string): Promise<ProductRow> {
  return inTransaction(db, async (trx) => {
    const before = await catalogWriteRepository.lockProduct(trx, productId)
    if (!before) throw new CatalogInputError([catalogProblem.unknownProduct(['productId'])])
    if (before.archived_at !== null) return before
    const product = await catalogWriteRepository.archiveProduct(trx, productId)
    const variants = await catalogWriteRepository.findVariantsOfProduct(trx, productId)
    const onFile = variants.filter((variant) => variant.archived_at === null)
    const archived = await catalogWriteRepository.archiveVariants(
      trx,
      onFile.map((variant) => variant.id),
    )
    const earlier = new Map(onFile.map((variant) => [variant.id, variant]))
    await recordAudit(trx, author, [
      productChange('ARCHIVE', before, product),
      ...archived.map((variant) => variantChange('ARCHIVE', earlier.get(variant.id) ?? null, variant)),
    ])
    return product
  })
}

/** The product, locked, if it exists and is not archived. */
export async function lockEditableProduct(trx: Trx, productId: string, field = ['productId']): Promise<ProductRow> {
  const product = await catalogWriteRepository.lockProduct(trx, productId)
  if (!product) throw new CatalogInputError([catalogProblem.unknownProduct(field)])
  if (product.archived_at !== null) throw new CatalogInputError([catalogProblem.productArchived(field)])
  return product
}

/** Refuses options that leave a variant on sale without a valid selection; re-spells the others. */
async function respellVariants(trx: Trx, productId: string, options: ProductOption[]): Promise<AuditChange[]> {
  const onSale = (await catalogWriteRepository.findVariantsOfProduct(trx, productId)).filter(
    (variant) => variant.active,
  )
  refuseProblems(optionsKeepVariantsProblems(options, onSale))
  const changes: AuditChange[] = []
  for (const variant of onSale) {
    const selection = orderedSelection(options, variant.selected_options) ?? []
    // A variant keeps its title until its selection is spelled differently.
    if (JSON.stringify(selection) === JSON.stringify(variant.selected_options)) continue
    const after: VariantRow = await catalogWriteRepository.updateVariant(trx, variant.id, {
      title: variantTitleOf(selection),
      selectedOptions: selection,
    })
    changes.push(variantChange('UPDATE', variant, after))
  }
  return changes
}
