import type { ProductOption, SelectedOption } from '../../db/database.js'
import type { UserErrorEntry } from '../shared/business-error.js'

/**
 * The rules a product and its variants must meet, whoever writes them: the back office's
 * mutations and the bulk import both check here, so a file and a form refuse the same things.
 * Pure functions: the database's unique indexes settle the races (SKU, barcode, slug).
 */

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
export const SLUG_MAX = 120
export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$/
export const MAX_OPTIONS = 3
export const MAX_OPTION_VALUES = 100
export const MAX_VARIANTS = 250
export const MAX_IMAGES = 50

/** GS1 check digit over the digits before it: weights 3, 1, 3… from the right. */
export function gtinCheckDigit(digitsBeforeCheck: string): number {
  if (!/^\d+$/.test(digitsBeforeCheck)) throw new RangeError(`expected digits, got ${digitsBeforeCheck}`)
  let sum = 0
  for (let index = 0; index < digitsBeforeCheck.length; index++) {
    const fromRight = digitsBeforeCheck.length - 1 - index
    sum += Number(digitsBeforeCheck[index]) * (fromRight % 2 === 0 ? 3 : 1)
  }
  return (10 - (sum % 10)) % 10
}

/** Weights alternate 1, 3, 1, 3… from the left over the first twelve digits (GS1 EAN-13). */
export function ean13CheckDigit(first12Digits: string): number {
  if (!/^\d{12}$/.test(first12Digits)) throw new RangeError(`expected 12 digits, got ${first12Digits}`)
  return gtinCheckDigit(first12Digits)
}

/** An EAN-13 or a UPC-A (12 digits) whose check digit is right. */
export function isValidBarcode(barcode: string): boolean {
  if (!/^(\d{12}|\d{13})$/.test(barcode)) return false
  return gtinCheckDigit(barcode.slice(0, -1)) === Number(barcode.at(-1))
}

export function barcodeProblem(barcode: string, field: string[]): UserErrorEntry | null {
  if (isValidBarcode(barcode)) return null
  return {
    code: 'INVALID_BARCODE',
    field,
    message: 'A barcode is an EAN-13 (13 digits) or a UPC-A (12 digits) with a correct check digit.',
  }
}

export function slugProblem(slug: string, field: string[]): UserErrorEntry | null {
  if (slug.length <= SLUG_MAX && SLUG_PATTERN.test(slug)) return null
  return {
    code: 'INVALID_SLUG',
    field,
    message: `A slug is lower-case letters, digits and single hyphens, at most ${SLUG_MAX} characters.`,
  }
}

export function skuProblem(sku: string, field: string[]): UserErrorEntry | null {
  if (SKU_PATTERN.test(sku)) return null
  return {
    code: 'INVALID_SKU',
    field,
    message: 'A SKU is 1 to 64 letters, digits, dots, hyphens, underscores or slashes.',
  }
}

/**
 * The product's options are distinct names with distinct values; each variant picks exactly one
 * listed value of every option, in any order; no two variants pick the same combination.
 * `variantsField` is the input path of the variants list, e.g. ['variants'].
 */
export function optionProblems(
  options: readonly ProductOption[],
  variants: readonly { selectedOptions: readonly SelectedOption[] }[],
  variantsField: string[] = ['variants'],
): UserErrorEntry[] {
  const problems: UserErrorEntry[] = []
  const invalid = (field: string[], message: string) => problems.push({ code: 'INVALID_OPTIONS', field, message })
  if (options.length > MAX_OPTIONS) invalid(['options'], `A product has at most ${MAX_OPTIONS} options.`)
  const names = new Set<string>()
  options.forEach((option, index) => {
    const name = option.name.trim()
    if (name === '') invalid(['options', String(index), 'name'], 'An option needs a name.')
    if (names.has(name.toLowerCase())) invalid(['options', String(index), 'name'], `Option "${name}" is listed twice.`)
    names.add(name.toLowerCase())
    if (option.values.length === 0 || option.values.length > MAX_OPTION_VALUES) {
      invalid(['options', String(index), 'values'], `An option has 1 to ${MAX_OPTION_VALUES} values.`)
    }
    if (new Set(option.values.map((value) => value.trim().toLowerCase())).size !== option.values.length) {
      invalid(['options', String(index), 'values'], `Option "${name}" lists a value twice.`)
    }
  })
  if (problems.length > 0) return problems

  const seen = new Map<string, number>()
  variants.forEach((variant, index) => {
    const field = [...variantsField, String(index), 'selectedOptions']
    const combination = canonicalCombination(options, variant.selectedOptions)
    if (combination === null) {
      invalid(
        field,
        options.length === 0
          ? 'This product has no options, so its variant selects none.'
          : `Select exactly one listed value of each option: ${options.map((option) => option.name).join(', ')}.`,
      )
      return
    }
    const earlier = seen.get(combination)
    if (earlier !== undefined) invalid(field, `Variant ${earlier + 1} already has these option values.`)
    else seen.set(combination, index)
  })
  return problems
}

/** The selection in the product's option order with the product's spelling; null when it does not fit. */
export function orderedSelection(
  options: readonly ProductOption[],
  selected: readonly SelectedOption[],
): SelectedOption[] | null {
  if (selected.length !== options.length) return null
  const result: SelectedOption[] = []
  for (const option of options) {
    const picks = selected.filter((pick) => pick.name.trim().toLowerCase() === option.name.trim().toLowerCase())
    if (picks.length !== 1) return null
    const value = option.values.find((listed) => listed.trim().toLowerCase() === picks[0]!.value.trim().toLowerCase())
    if (value === undefined) return null
    result.push({ name: option.name, value })
  }
  return result
}

function canonicalCombination(options: readonly ProductOption[], selected: readonly SelectedOption[]): string | null {
  const ordered = orderedSelection(options, selected)
  return ordered === null ? null : JSON.stringify(ordered.map((pick) => pick.value.toLowerCase()))
}

/** "M / Navy" from the selection; a product without options has one variant, titled "Default". */
export function variantTitleOf(selected: readonly SelectedOption[]): string {
  return selected.length === 0 ? 'Default' : selected.map((pick) => pick.value).join(' / ')
}

export const IMAGE_URL_MAX = 2048

/** An image is fetched by shoppers' browsers: an absolute http(s) URL, nothing a page could run. */
export function isImageUrl(url: string): boolean {
  if (url.length > IMAGE_URL_MAX) return false
  try {
    const parsed = new URL(url)
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname !== ''
  } catch {
    return false
  }
}

/** "Thé & Café" → "the-cafe": a slug for a name given without one; may be empty (then give a slug). */
export function slugFrom(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/-+$/, '')
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/**
 * Whether text is valid Unicode: no lone UTF-16 surrogate, which only a JSON escape can produce.
 * Catalog text travels as jsonb (options, images, an import's rows), which refuses one.
 */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text)
}
