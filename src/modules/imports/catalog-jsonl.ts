import { z } from 'zod'
import { isWellFormedText } from '../catalog/catalog-rules.js'
import { CellReader, priceScopeOf } from './catalog-cells.js'
import type { PriceCell, ProductDraft } from './catalog-draft.js'
import type { ImportContext } from './import-context.js'
import type { JsonlRecord } from './jsonl-records.js'

/** Amounts and rates as decimal text ("12.90"), or as JSON numbers, which are read as their text. */
const text = z.string().refine(isWellFormedText, 'not valid Unicode (a lone surrogate escape).')
const decimal = z.union([text, z.number()]).transform(String)

const priceSchema = z.strictObject({ store: text.optional(), channel: text.optional(), amount: decimal })
const variantSchema = z.strictObject({
  sku: text,
  barcode: text.nullish(),
  price: decimal,
  compareAtPrice: decimal.nullish(),
  taxRate: decimal,
  currency: text.nullish(),
  selectedOptions: z.array(z.strictObject({ name: text, value: text })).default([]),
  prices: z.array(priceSchema).default([]),
})
const productSchema = z.strictObject({
  handle: text,
  title: text,
  description: text.default(''),
  category: text.nullish(),
  options: z.array(z.strictObject({ name: text, values: z.array(text) })).default([]),
  images: z.array(z.strictObject({ url: text, alt: text.nullish() })).default([]),
  variants: z.array(variantSchema),
})

/** One product per JSON line, with its variants and their prices; see docs/import.md. */
export function catalogJsonlProduct(record: JsonlRecord, context: ImportContext): ProductDraft {
  const line = record.line
  const empty: ProductDraft = {
    line,
    lines: [line],
    handle: '',
    title: '',
    description: '',
    categorySlug: null,
    options: [],
    images: [],
    variants: [],
    problems: [],
  }
  if ('error' in record) return { ...empty, problems: [{ line, message: record.error }] }
  const parsed = productSchema.safeParse(record.value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const message = `${issue?.path.join('.') || 'line'}: ${issue?.message ?? 'not a product'}`
    const handle = (record.value as { handle?: unknown } | null)?.handle
    return { ...empty, handle: typeof handle === 'string' ? handle : '', problems: [{ line, message }] }
  }
  const product = parsed.data
  const reader = new CellReader(line, context)
  const variants = product.variants.map((variant, index) => {
    const currencyCode = reader.currency(variant.currency ?? '')
    const prices = variant.prices.flatMap((price): PriceCell[] => {
      const label = `variants.${index}.prices`
      const scope = priceScopeOf(price.store, price.channel, label, context)
      if (typeof scope === 'string') {
        reader.problem(scope)
        return []
      }
      return [reader.price(scope, price.amount, currencyCode)]
    })
    return {
      line,
      sku: variant.sku.trim(),
      barcode: variant.barcode?.trim() || null,
      priceMinor: reader.money(`variants.${index}.price`, variant.price, currencyCode),
      compareAtPriceMinor:
        variant.compareAtPrice == null
          ? null
          : reader.money(`variants.${index}.compareAtPrice`, variant.compareAtPrice, currencyCode),
      taxRateBp: reader.taxRate(variant.taxRate),
      currencyCode,
      selectedOptions: variant.selectedOptions,
      prices,
    }
  })
  return {
    ...empty,
    handle: product.handle.trim(),
    title: product.title.trim(),
    description: product.description,
    categorySlug: product.category?.trim() || null,
    options: product.options,
    images: product.images.map((image) => ({ url: image.url.trim(), alt: image.alt ?? null })),
    variants,
    problems: reader.problems,
  }
}
