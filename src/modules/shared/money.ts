/** ISO 4217 minor-unit exponents that differ from 2; everything else has cents. */
const EXPONENT_OVERRIDES: Record<string, number> = { JPY: 0, KRW: 0, CLP: 0, ISK: 0, BHD: 3, KWD: 3, TND: 3 }

/**
 * The largest amount any input may name, in minor units (1,000,000.00 in a two-decimal currency):
 * far above a till's takings, and far enough below the integer columns' 2^31 that totals and
 * change computed from it cannot overflow them.
 */
export const MAX_MONEY_MINOR = 100_000_000

export interface Money {
  amountMinor: number
  currencyCode: string
}

export function currencyExponent(currencyCode: string): number {
  return EXPONENT_OVERRIDES[currencyCode] ?? 2
}

/** 1290 EUR → "12.90"; integer arithmetic only, so no float ever rounds a price. */
export function formatMinorUnits({ amountMinor, currencyCode }: Money): string {
  const exponent = currencyExponent(currencyCode)
  const sign = amountMinor < 0 ? '-' : ''
  const digits = Math.abs(amountMinor)
    .toString()
    .padStart(exponent + 1, '0')
  if (exponent === 0) return `${sign}${digits}`
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`
}

/**
 * The tax contained in a tax-inclusive price, rounded half up to the minor unit:
 * price × rate / (1 + rate), with the rate in basis points.
 */
export function includedTaxMinor(grossMinor: number, taxRateBasisPoints: number): number {
  return Math.round((grossMinor * taxRateBasisPoints) / (10_000 + taxRateBasisPoints))
}

/**
 * "20.00" → 2000 for EUR; null for anything that is not a plain non-negative decimal in that
 * currency, or that is above MAX_MONEY_MINOR.
 */
export function parseMajorUnits(amount: string, currencyCode: string): number | null {
  const exponent = currencyExponent(currencyCode)
  const match = /^(\d{1,9})(?:\.(\d+))?$/.exec(amount.trim())
  if (!match) return null
  const fraction = match[2] ?? ''
  if (fraction.length > exponent) return null
  const minor = Number(match[1]) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0')
  return minor <= MAX_MONEY_MINOR ? minor : null
}
