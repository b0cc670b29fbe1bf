import { z } from 'zod'
import { builder } from '../../graphql/builder.js'
import { MAX_MONEY_MINOR } from '../shared/money.js'
import type { VariantDraft } from './catalog-input.js'
import { isWellFormedText } from './catalog-rules.js'

/**
 * The input fields a variant is written with, shared by productCreate's variants and
 * variantCreate/variantUpdate. Shape and ranges are checked here (BAD_USER_INPUT); the catalog's
 * rules (SKU, barcode, options) answer typed userErrors from the services.
 */

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never
type InputFields = PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>

/**
 * Text of at most `max` characters that is valid Unicode: options, images and selections are
 * stored as jsonb, which refuses a lone surrogate that JSON.stringify would escape into it.
 */
export function textInput(max: number, options: { trimmedMin?: number } = {}) {
  const base = options.trimmedMin === undefined ? z.string() : z.string().trim().min(options.trimmedMin)
  return base.max(max).refine(isWellFormedText, 'Text must be valid Unicode.')
}

export const SelectedOptionInput = builder.inputType('SelectedOptionInput', {
  fields: (t) => ({
    name: t.string({ required: true, validate: textInput(100) }),
    value: t.string({ required: true, validate: textInput(100) }),
  }),
})

/** An amount of money in minor units: no negative price, none past MAX_MONEY_MINOR. */
export const minorUnitsInput = z.number().int().min(0).max(MAX_MONEY_MINOR)

/** A VAT rate as a fraction (0.2 for 20%), stored in whole basis points. */
export const taxRateInput = z
  .number()
  .min(0)
  .max(1)
  .refine(
    (rate) => Math.abs(rate * 10_000 - Math.round(rate * 10_000)) < 1e-6,
    'taxRate has at most 4 decimals (0.055)',
  )

export const currencyCodeInput = z.string().regex(/^[A-Z]{3}$/, 'currencyCode is an ISO 4217 code such as "EUR"')

export function taxRateBasisPoints(rate: number): number {
  return Math.round(rate * 10_000)
}

/** The fields of a variant; `required` makes them mandatory for a new variant. */
export function variantFields<Required extends boolean>(t: InputFields, required: Required) {
  return {
    sku: t.string({ required, validate: textInput(200) }),
    barcode: t.string({ description: 'EAN-13 or UPC-A, check digit included.', validate: textInput(64) }),
    price: t.int({
      required,
      description: 'The base price, tax included, in minor units of the currency (1290 = 12.90 EUR).',
      validate: minorUnitsInput,
    }),
    compareAtPrice: t.int({
      description: 'The higher "was" price shown struck through, in minor units; above the price.',
      validate: minorUnitsInput,
    }),
    taxRate: t.float({ required, description: 'VAT rate as a fraction, e.g. 0.2 for 20%.', validate: taxRateInput }),
    selectedOptions: t.field({
      type: [SelectedOptionInput],
      required,
      description: "One value of each of the product's options.",
      validate: z.array(z.unknown()).max(10),
    }),
  }
}

interface VariantFieldsValue {
  sku: string
  barcode?: string | null
  price: number
  compareAtPrice?: number | null
  taxRate: number
  selectedOptions: { name: string; value: string }[]
}

export function variantDraftOf(input: VariantFieldsValue): VariantDraft {
  return {
    sku: input.sku,
    barcode: input.barcode ?? null,
    priceMinor: input.price,
    compareAtPriceMinor: input.compareAtPrice ?? null,
    taxRateBp: taxRateBasisPoints(input.taxRate),
    selectedOptions: input.selectedOptions.map((pick) => ({ name: pick.name.trim(), value: pick.value.trim() })),
  }
}
