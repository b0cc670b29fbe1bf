import type { Db } from '../../db/create-db.js'
import { type PricingResult, priceLines } from './discount-pricing.js'
import type { PricingContext, PricingLine, PromotionRule } from './promotion.js'
import { normalizeDiscountCode } from './promotion.js'
import { countCustomerUses, findCandidatePromotions, findVariantScopes } from './promotion-candidates.repository.js'
import { ruleOfRow } from './promotion-draft.js'

/** A line as a cart, a checkout or a till sale holds it, before its product and categories are known. */
export interface LineToPrice {
  key: string
  variantId: string
  quantity: number
  unitPriceMinor: number
  taxRateBp: number
}

/**
 * Everything priceLines needs beyond the lines' own prices: the lines with what a promotion can
 * target (product, category ancestry) and the promotions that might apply, with this customer's
 * uses counted. One statement when no promotion can apply (the common case on a checkout's path),
 * at most three otherwise, whatever the number of lines.
 */
export async function pricingInputsFor(
  db: Db,
  request: { lines: readonly LineToPrice[]; codes: readonly string[]; currencyCode: string; context: PricingContext },
): Promise<{ lines: PricingLine[]; promotions: PromotionRule[] }> {
  const codes = [...new Set(request.codes.map(normalizeDiscountCode))]
  const rows = await findCandidatePromotions(db, { codes, at: request.context.at, currencyCode: request.currencyCode })
  const customerId = request.context.customerId
  const needsScopes = rows.some((row) => row.target_type === 'CATEGORIES' || row.target_type === 'PRODUCTS')
  const [scopes, uses] = await Promise.all([
    needsScopes
      ? findVariantScopes(
          db,
          request.lines.map((line) => line.variantId),
        )
      : [],
    customerId && rows.length > 0
      ? countCustomerUses(
          db,
          rows.map((row) => row.id),
          customerId,
        )
      : new Map<string, number>(),
  ])
  const scopeOf = new Map(scopes.map((scope) => [scope.variant_id, scope]))
  return {
    lines: request.lines.map((line) => {
      const scope = scopeOf.get(line.variantId)
      return { ...line, productId: scope?.product_id ?? '', categoryIds: scope?.category_ids ?? [] }
    }),
    promotions: rows.map(({ codes: promotionCodes, ...row }) => ruleOfRow(row, promotionCodes, uses.get(row.id) ?? 0)),
  }
}

/**
 * A set of lines priced with the promotions of their context: what carts show, what the checkout
 * charges and what the till rings up, all through this one call.
 */
export async function priceWithPromotions(
  db: Db,
  request: { lines: readonly LineToPrice[]; codes: readonly string[]; currencyCode: string; context: PricingContext },
): Promise<{ pricing: PricingResult; promotions: PromotionRule[] }> {
  const { lines, promotions } = await pricingInputsFor(db, request)
  return { pricing: priceLines(lines, request.context, promotions, request.codes), promotions }
}
