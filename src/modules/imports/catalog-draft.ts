import type { Channel, ImportLineError, ProductImage, ProductOption, SelectedOption } from '../../db/database.js'
import {
  barcodeProblem,
  MAX_IMAGES,
  MAX_VARIANTS,
  optionProblems,
  orderedSelection,
  skuProblem,
  slugProblem,
} from '../catalog/catalog-rules.js'
import { MAX_MONEY_MINOR } from '../shared/money.js'

/** A price override cell: a scope (store, channel or both) and its amount. */
export interface PriceCell {
  storeId: string | null
  channel: Channel | null
  amountMinor: number
}

export interface VariantDraft {
  line: number
  sku: string
  barcode: string | null
  priceMinor: number
  compareAtPriceMinor: number | null
  taxRateBp: number
  currencyCode: string
  selectedOptions: SelectedOption[]
  prices: PriceCell[]
}

/** A product as one CSV group of lines or one JSON line describes it, before any database check. */
export interface ProductDraft {
  /** The line the product starts on; its own problems are reported there. */
  line: number
  /** Every line the product spans, so a refused product names each of them. */
  lines: number[]
  handle: string
  title: string
  description: string
  categorySlug: string | null
  options: ProductOption[]
  images: ProductImage[]
  variants: VariantDraft[]
  /** Problems found while reading the lines (bad numbers, missing cells…). */
  problems: ImportLineError[]
}

const MAX_TITLE = 255
const MAX_DESCRIPTION = 20_000
const MAX_URL = 2048

/** Every problem the catalog rules find in a product, each on the line it comes from. */
export function draftProblems(draft: ProductDraft): ImportLineError[] {
  // A line that could not be read as a product at all: its reason is the whole story.
  if (draft.variants.length === 0 && draft.problems.length > 0) return [...draft.problems]
  const problems = [...draft.problems]
  const at = (line: number, message: string) => problems.push({ line, message })
  const slug = slugProblem(draft.handle, ['handle'])
  if (slug) at(draft.line, `handle: ${slug.message}`)
  if (draft.title.trim() === '' || draft.title.length > MAX_TITLE)
    at(draft.line, `title: 1 to ${MAX_TITLE} characters.`)
  if (draft.description.length > MAX_DESCRIPTION) at(draft.line, `description: at most ${MAX_DESCRIPTION} characters.`)
  if (draft.images.length > MAX_IMAGES) at(draft.line, `images: at most ${MAX_IMAGES}.`)
  for (const image of draft.images) {
    if (!isHttpUrl(image.url)) at(draft.line, `images: "${image.url.slice(0, 80)}" is not an http(s) URL.`)
  }
  if (draft.variants.length === 0) at(draft.line, 'a product needs at least one variant.')
  if (draft.variants.length > MAX_VARIANTS) at(draft.line, `a product has at most ${MAX_VARIANTS} variants.`)
  for (const variant of draft.variants) {
    const sku = skuProblem(variant.sku, ['sku'])
    if (sku) at(variant.line, `sku: ${sku.message}`)
    const barcode = variant.barcode === null ? null : barcodeProblem(variant.barcode, ['barcode'])
    if (barcode) at(variant.line, `barcode: ${barcode.message}`)
    if (variant.priceMinor > MAX_MONEY_MINOR) at(variant.line, 'price: too large.')
  }
  const skus = new Map<string, number>()
  for (const variant of draft.variants) {
    const earlier = skus.get(variant.sku.toLowerCase())
    if (earlier !== undefined) at(variant.line, `sku ${variant.sku} is already on line ${earlier}.`)
    else skus.set(variant.sku.toLowerCase(), variant.line)
  }
  for (const problem of optionProblems(draft.options, draft.variants)) {
    const variantIndex = problem.field?.[0] === 'variants' ? Number(problem.field[1]) : Number.NaN
    at(draft.variants[variantIndex]?.line ?? draft.line, `options: ${problem.message}`)
  }
  return problems
}

/** The variant's selection in the product's option order, once draftProblems found nothing. */
export function selectionOf(draft: ProductDraft, variant: VariantDraft): SelectedOption[] {
  return orderedSelection(draft.options, variant.selectedOptions) ?? []
}

function isHttpUrl(text: string): boolean {
  if (text.length > MAX_URL) return false
  try {
    const url = new URL(text)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}
