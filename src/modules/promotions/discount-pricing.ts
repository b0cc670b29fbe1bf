import { includedTaxMinor } from '../shared/money.js'
import { allocateByLargestRemainder } from './allocation.js'
import {
  type DiscountCodeReason,
  ineligibilityReason,
  lineTargeted,
  normalizeDiscountCode,
  type PricingContext,
  type PricingLine,
  type PromotionRule,
} from './promotion.js'

export interface DiscountAllocation {
  promotionId: string
  amountMinor: number
}

export interface PricedLine {
  key: string
  /** unit price × quantity, before any discount. */
  subtotalMinor: number
  discountMinor: number
  totalMinor: number
  /** This line's share of the tax its rate contains after discounts. */
  taxMinor: number
  allocations: DiscountAllocation[]
}

export interface TaxAtRate {
  taxRateBp: number
  /** What the lines at this rate cost after discounts, tax included. */
  grossMinor: number
  taxMinor: number
}

export interface AppliedPromotion {
  promotionId: string
  /** The code that brought it, normalised; null for an automatic promotion. */
  code: string | null
  amountMinor: number
}

export interface DiscountCodeOutcome {
  code: string
  applicable: boolean
  reason: DiscountCodeReason | null
  promotionId: string | null
}

export interface PricingResult {
  lines: PricedLine[]
  subtotalMinor: number
  discountMinor: number
  totalMinor: number
  taxMinor: number
  taxes: TaxAtRate[]
  applied: AppliedPromotion[]
  codes: DiscountCodeOutcome[]
}

interface Candidate {
  promotion: PromotionRule
  code: string | null
}

/**
 * The one pricing function: carts, checkout and the till all call it, so a promotion shown in the
 * app is the one honoured at the counter. Pure: the caller loads the promotions (with their usage
 * so far) and decides what to persist.
 *
 * Promotions apply in priority order (higher first, then id); the first eligible one always
 * applies, and each later one only if it and every one already applied combine with others. Each
 * discount is taken from what the lines still cost after the earlier ones, so no line goes below
 * zero, and it is split across its lines to the minor unit by largest remainder.
 */
export function priceLines(
  lines: readonly PricingLine[],
  context: PricingContext,
  promotions: readonly PromotionRule[],
  codes: readonly string[],
): PricingResult {
  const { candidates, outcomes } = candidatesFor(promotions, codes)
  const eligible: Candidate[] = []
  for (const candidate of candidates) {
    const reason = ineligibilityReason(candidate.promotion, lines, context)
    if (reason === null) eligible.push(candidate)
    else rejectCode(outcomes, candidate.promotion.id, reason)
  }
  eligible.sort(
    (a, b) =>
      b.promotion.priority - a.promotion.priority ||
      (a.promotion.id < b.promotion.id ? -1 : a.promotion.id > b.promotion.id ? 1 : 0),
  )

  const remaining = lines.map((line) => line.unitPriceMinor * line.quantity)
  const allocations: DiscountAllocation[][] = lines.map(() => [])
  const applied: AppliedPromotion[] = []
  for (const candidate of eligible) {
    const { promotion } = candidate
    const combines = promotion.combinesWithOthers && applied.every((done) => combinable(eligible, done.promotionId))
    if (applied.length > 0 && !combines) {
      rejectCode(outcomes, promotion.id, 'DISCOUNT_CODE_NOT_COMBINABLE')
      continue
    }
    const shares = discountShares(promotion, lines, remaining)
    let amountMinor = 0
    shares.forEach((share, index) => {
      if (share === 0) return
      remaining[index] = (remaining[index] ?? 0) - share
      allocations[index]?.push({ promotionId: promotion.id, amountMinor: share })
      amountMinor += share
    })
    applied.push({ promotionId: promotion.id, code: candidate.code, amountMinor })
    for (const outcome of outcomes) {
      if (outcome.promotionId === promotion.id) Object.assign(outcome, { applicable: true, reason: null })
    }
  }
  return assemble(lines, remaining, allocations, applied, outcomes)
}

function combinable(eligible: readonly Candidate[], promotionId: string): boolean {
  return eligible.some((candidate) => candidate.promotion.id === promotionId && candidate.promotion.combinesWithOthers)
}

/** Every automatic promotion, plus the code promotions the shopper named (each once). */
function candidatesFor(
  promotions: readonly PromotionRule[],
  codes: readonly string[],
): { candidates: Candidate[]; outcomes: DiscountCodeOutcome[] } {
  const candidates: Candidate[] = promotions
    .filter((promotion) => promotion.kind === 'AUTOMATIC')
    .map((promotion) => ({ promotion, code: null }))
  const outcomes: DiscountCodeOutcome[] = []
  for (const code of [...new Set(codes.map(normalizeDiscountCode))]) {
    const promotion = promotions.find((candidate) => candidate.kind === 'CODE' && candidate.codes.includes(code))
    if (!promotion) {
      outcomes.push({ code, applicable: false, reason: 'DISCOUNT_CODE_UNKNOWN', promotionId: null })
      continue
    }
    // Until the pricing below decides, a named code has not applied.
    outcomes.push({ code, applicable: false, reason: 'DISCOUNT_CODE_NOT_APPLICABLE', promotionId: promotion.id })
    if (!candidates.some((candidate) => candidate.promotion.id === promotion.id)) candidates.push({ promotion, code })
  }
  return { candidates, outcomes }
}

function rejectCode(outcomes: DiscountCodeOutcome[], promotionId: string, reason: DiscountCodeReason): void {
  for (const outcome of outcomes) {
    if (outcome.promotionId === promotionId) Object.assign(outcome, { applicable: false, reason })
  }
}

/** What the promotion takes off each line, never more than the line still costs. */
function discountShares(
  promotion: PromotionRule,
  lines: readonly PricingLine[],
  remaining: readonly number[],
): number[] {
  const weights = promotion.buyXGetY
    ? freeUnitWeights(promotion, lines, remaining)
    : lines.map((line, index) => (lineTargeted(promotion.target, line) ? (remaining[index] ?? 0) : 0))
  const base = weights.reduce((sum, weight) => sum + weight, 0)
  const { value } = promotion
  const total =
    value.type === 'PERCENTAGE'
      ? percentageOf(base, value.basisPoints)
      : promotion.buyXGetY
        ? base // freeUnitWeights already applied the fixed amount per free unit
        : Math.min(value.amountMinor, base)
  return allocateByLargestRemainder(total, weights)
}

/** Rounded half up, in BigInt because a large order times 10,000 passes 2^53. */
function percentageOf(amountMinor: number, basisPoints: number): number {
  return Number((BigInt(amountMinor) * BigInt(basisPoints) + 5_000n) / 10_000n)
}

/**
 * Buy X get Y: the targeted units, dearest first, in groups of X + Y; the last Y of each full
 * group (the cheapest) are the free ones. A line's weight is what its free units are worth
 * (at most the fixed amount each), capped by what the line still costs.
 */
function freeUnitWeights(
  promotion: PromotionRule,
  lines: readonly PricingLine[],
  remaining: readonly number[],
): number[] {
  const { buyQuantity, getQuantity } = promotion.buyXGetY ?? { buyQuantity: 0, getQuantity: 0 }
  const units: { index: number; unitPriceMinor: number }[] = []
  lines.forEach((line, index) => {
    if (!lineTargeted(promotion.target, line)) return
    for (let unit = 0; unit < line.quantity; unit++) units.push({ index, unitPriceMinor: line.unitPriceMinor })
  })
  units.sort((a, b) => b.unitPriceMinor - a.unitPriceMinor || a.index - b.index)
  const groupSize = buyQuantity + getQuantity
  const weights = lines.map(() => 0)
  if (buyQuantity < 1 || getQuantity < 1) return weights
  const fullGroups = Math.floor(units.length / groupSize)
  for (let position = 0; position < fullGroups * groupSize; position++) {
    if (position % groupSize < buyQuantity) continue
    const unit = units[position]
    if (!unit) continue
    const value =
      promotion.value.type === 'FIXED_AMOUNT'
        ? Math.min(promotion.value.amountMinor, unit.unitPriceMinor)
        : unit.unitPriceMinor
    weights[unit.index] = (weights[unit.index] ?? 0) + value
  }
  return weights.map((weight, index) => Math.min(weight, remaining[index] ?? 0))
}

function assemble(
  lines: readonly PricingLine[],
  remaining: readonly number[],
  allocations: readonly DiscountAllocation[][],
  applied: AppliedPromotion[],
  codes: DiscountCodeOutcome[],
): PricingResult {
  const lineTax = taxAtRates(lines, remaining)
  const priced: PricedLine[] = lines.map((line, index) => {
    const subtotalMinor = line.unitPriceMinor * line.quantity
    const totalMinor = remaining[index] ?? 0
    return {
      key: line.key,
      subtotalMinor,
      discountMinor: subtotalMinor - totalMinor,
      totalMinor,
      taxMinor: lineTax.perLine[index] ?? 0,
      allocations: allocations[index] ?? [],
    }
  })
  const sum = (pick: (line: PricedLine) => number) => priced.reduce((total, line) => total + pick(line), 0)
  return {
    lines: priced,
    subtotalMinor: sum((line) => line.subtotalMinor),
    discountMinor: sum((line) => line.discountMinor),
    totalMinor: sum((line) => line.totalMinor),
    taxMinor: lineTax.taxes.reduce((total, tax) => total + tax.taxMinor, 0),
    taxes: lineTax.taxes,
    applied,
    codes,
  }
}

/**
 * The tax contained in each rate's discounted total, computed once per rate (so a discount spread
 * over many lines does not accumulate rounding), then shared back to that rate's lines by largest
 * remainder so the lines add up to it exactly.
 */
export function taxAtRates(
  lines: readonly Pick<PricingLine, 'taxRateBp'>[],
  totals: readonly number[],
): { perLine: number[]; taxes: TaxAtRate[] } {
  const rates = [...new Set(lines.map((line) => line.taxRateBp))].sort((a, b) => a - b)
  const perLine = lines.map(() => 0)
  const taxes = rates.map((taxRateBp) => {
    const indexes = lines.flatMap((line, index) => (line.taxRateBp === taxRateBp ? [index] : []))
    const weights = indexes.map((index) => totals[index] ?? 0)
    const grossMinor = weights.reduce((sum, weight) => sum + weight, 0)
    const taxMinor = includedTaxMinor(grossMinor, taxRateBp)
    allocateByLargestRemainder(taxMinor, weights).forEach((share, position) => {
      perLine[indexes[position] ?? 0] = share
    })
    return { taxRateBp, grossMinor, taxMinor }
  })
  return { perLine, taxes }
}
