import type { ProductImage, ProductOption, SelectedOption } from '../../db/database.js'
import type { UserErrorEntry } from '../shared/business-error.js'
import { catalogProblem } from './catalog.errors.js'
import { barcodeProblem, optionProblems, skuProblem, slugProblem } from './catalog-rules.js'

/** A variant as the back office sends it, already decoded: prices in minor units, tax in basis points. */
export interface VariantDraft {
  sku: string
  barcode: string | null
  priceMinor: number
  compareAtPriceMinor: number | null
  taxRateBp: number
  selectedOptions: SelectedOption[]
}

export interface ProductDraft {
  title: string
  slug: string
  description: string
  categoryId: string | null
  options: ProductOption[]
  images: ProductImage[]
  variants: VariantDraft[]
}

/** A "was" price at or below the price would tell the shopper of a saving that is not there. */
export function compareAtPriceProblem(
  priceMinor: number,
  compareAtPriceMinor: number | null,
  field: string[],
): UserErrorEntry | null {
  if (compareAtPriceMinor === null || compareAtPriceMinor > priceMinor) return null
  return catalogProblem.compareAtPrice(field)
}

/** The rules one variant meets on its own, its fields under `field`. */
export function variantDraftProblems(variant: VariantDraft, field: string[]): UserErrorEntry[] {
  return [
    skuProblem(variant.sku, [...field, 'sku']),
    variant.barcode === null ? null : barcodeProblem(variant.barcode, [...field, 'barcode']),
    compareAtPriceProblem(variant.priceMinor, variant.compareAtPriceMinor, [...field, 'compareAtPrice']),
  ].filter((problem): problem is UserErrorEntry => problem !== null)
}

/** Everything wrong with a new product that needs no database: slug, SKUs, barcodes, options, repeats. */
export function productDraftProblems(draft: ProductDraft): UserErrorEntry[] {
  return [
    slugProblem(draft.slug, ['slug']),
    ...draft.variants.flatMap((variant, index) => variantDraftProblems(variant, ['variants', String(index)])),
    ...optionProblems(draft.options, draft.variants),
    ...repeatedProblems(draft.variants),
  ].filter((problem): problem is UserErrorEntry => problem !== null)
}

/** Two variants of one request with the same SKU or barcode: the second is named. */
function repeatedProblems(variants: readonly VariantDraft[]): UserErrorEntry[] {
  const problems: UserErrorEntry[] = []
  const skus = new Set<string>()
  const barcodes = new Set<string>()
  variants.forEach((variant, index) => {
    if (skus.has(variant.sku)) problems.push(catalogProblem.skuTaken(['variants', String(index), 'sku'], true))
    skus.add(variant.sku)
    if (variant.barcode === null) return
    if (barcodes.has(variant.barcode)) {
      problems.push(catalogProblem.barcodeTaken(['variants', String(index), 'barcode'], true))
    }
    barcodes.add(variant.barcode)
  })
  return problems
}

/**
 * New options must still fit every variant on sale: each is named by SKU, since the input that
 * changes the options lists no variants.
 */
export function optionsKeepVariantsProblems(
  options: readonly ProductOption[],
  variants: readonly { sku: string; selected_options: SelectedOption[] }[],
): UserErrorEntry[] {
  const selections = variants.map((variant) => ({ selectedOptions: variant.selected_options }))
  return optionProblems(options, selections, ['variants']).map((problem) => {
    const index = problem.field?.[0] === 'variants' ? Number(problem.field[1]) : Number.NaN
    const variant = variants[index]
    return variant ? { ...problem, field: ['options'], message: `Variant ${variant.sku}: ${problem.message}` } : problem
  })
}

/**
 * A variant's selection, new or changed, among the product's other variants on sale: it must fit
 * the options, and no other variant may already have it (that one is named).
 */
export function selectionAmongProblems(
  options: readonly ProductOption[],
  others: readonly { sku: string; selected_options: SelectedOption[] }[],
  selected: readonly SelectedOption[],
  field: string[],
): UserErrorEntry[] {
  const alone = optionProblems(options, [{ selectedOptions: selected }])
  if (alone.length > 0) return alone.map((problem) => ({ ...problem, field }))
  const clash = others.find(
    (other) =>
      optionProblems(options, [{ selectedOptions: other.selected_options }]).length === 0 &&
      optionProblems(options, [{ selectedOptions: other.selected_options }, { selectedOptions: selected }]).length > 0,
  )
  return clash
    ? [{ code: 'INVALID_OPTIONS', field, message: `Variant ${clash.sku} already has these option values.` }]
    : []
}
