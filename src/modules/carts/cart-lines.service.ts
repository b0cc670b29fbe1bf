import type { Db } from '../../db/create-db.js'
import type { Channel, VariantRow } from '../../db/database.js'
import type { WriteOrigin } from '../channels/request-origin.js'
import type { UserErrorEntry } from '../shared/business-error.js'
import { assertDistinctLines } from '../shared/duplicate-lines.js'
import { CartLineError } from './cart.errors.js'
import { type CartView, MAX_LINE_QUANTITY, MAX_LINES } from './cart.js'
import type { CartCredentials } from './cart-access.js'
import { type CartChangePlan, changeCart } from './cart-change.js'
import type { CartHolding } from './cart-hold-sync.js'
import { shownUnitPrice } from './cart-line-prices.js'
import type { CartWriteState } from './cart-write.repository.js'

export interface LineInput {
  variantId: string
  quantity: number
}

interface LineChangeRequest extends WriteOrigin {
  cartId: string
  credentials: CartCredentials
  holding?: CartHolding
  now: Date
}

/**
 * Adds quantities to the cart (a variant already there grows). Refuses, changing nothing, an
 * unknown or inactive variant, another currency, more than 99 of a variant or 100 lines.
 * One statement to read and one to write (see changeCart).
 */
export async function addLines(db: Db, request: LineChangeRequest & { lines: LineInput[] }): Promise<CartView> {
  const lineRequest = { ...request, eventType: 'lines_added', variantIds: request.lines.map((line) => line.variantId) }
  const { cart } = await changeCart(db, lineRequest, ({ cart, state, channel }) =>
    planLineQuantities(cart.currency_code, state, request.lines, addQuantity, channel),
  )
  return cart
}

/**
 * Sets quantities; 0 removes the line. Same refusals as addLines, and DUPLICATE_LINE for a variant
 * named twice: two quantities for one line cannot both be set.
 */
export async function updateLines(db: Db, request: LineChangeRequest & { lines: LineInput[] }): Promise<CartView> {
  assertDistinctLines(request.lines, (line) => line.variantId, { list: 'lines', key: 'variantId' })
  const lineRequest = {
    ...request,
    eventType: 'lines_updated',
    variantIds: request.lines.map((line) => line.variantId),
  }
  const { cart } = await changeCart(db, lineRequest, ({ cart, state, channel }) =>
    planLineQuantities(cart.currency_code, state, request.lines, (_current, requested) => requested, channel),
  )
  return cart
}

/** Removes lines; LINE_NOT_FOUND for a variant the cart does not have. An emptied cart has no currency. */
export async function removeLines(db: Db, request: LineChangeRequest & { variantIds: string[] }): Promise<CartView> {
  const { cart } = await changeCart(db, { ...request, eventType: 'lines_removed' }, ({ state }) => {
    const present = new Set(state.lines.map((line) => line.variant_id))
    const missing = request.variantIds.flatMap((id, index) =>
      present.has(id) ? [] : [CartLineError.lineNotFound(index)],
    )
    if (missing.length > 0) throw new CartLineError(missing)
    const remaining = present.size - new Set(request.variantIds).size
    return {
      result: undefined,
      payload: { variantIds: request.variantIds },
      changes: remaining === 0 ? { currency_code: null } : {},
      lines: { deleteVariantIds: request.variantIds, upsert: [] },
    }
  })
  return cart
}

export const addQuantity = (current: number, requested: number) => current + requested

/**
 * The new quantity of each line named, checked against the rules above, from the cart as read:
 * which lines to delete (quantity 0) and which to set, each priced for the write's channel at the
 * cart's store (the price the shopper is shown from now on), and the cart's currency afterwards.
 */
export function planLineQuantities(
  cartCurrency: string | null,
  state: Pick<CartWriteState, 'lines' | 'variants' | 'prices'>,
  lines: readonly LineInput[],
  nextQuantity: (current: number, requested: number) => number,
  channel: Channel,
): CartChangePlan<undefined> {
  const existing = new Map(state.lines.map((line) => [line.variant_id, line.quantity]))
  const currency = cartCurrency ?? firstCurrency(lines, state.variants)
  const errors: UserErrorEntry[] = []
  const next = new Map(existing)
  for (const [index, line] of lines.entries()) {
    const variant = state.variants.get(line.variantId)
    if (!variant) {
      errors.push(CartLineError.unknownVariant(index))
    } else if (variant.currency_code !== currency) {
      errors.push(CartLineError.currencyMismatch(index, currency ?? ''))
    } else {
      const quantity = nextQuantity(next.get(line.variantId) ?? 0, line.quantity)
      if (quantity > MAX_LINE_QUANTITY) errors.push(CartLineError.quantityLimit(index, quantity))
      else next.set(line.variantId, quantity)
    }
  }
  const lineCount = [...next.values()].filter((quantity) => quantity > 0).length
  if (errors.length === 0 && lineCount > MAX_LINES) errors.push(CartLineError.tooManyLines(lineCount))
  if (errors.length > 0) throw new CartLineError(errors)

  return {
    result: undefined,
    payload: { lines: lines.map((line) => ({ variantId: line.variantId, quantity: line.quantity })) },
    changes: { currency_code: lineCount === 0 ? null : currency },
    lines: {
      deleteVariantIds: [...next].filter(([, quantity]) => quantity === 0).map(([variantId]) => variantId),
      upsert: [...next]
        .filter(([variantId, quantity]) => quantity > 0 && quantity !== existing.get(variantId))
        .map(([variantId, quantity]) => ({
          variantId,
          quantity,
          unitPriceMinor: shownUnitPrice(state, variantId, channel),
        })),
    },
  }
}

function firstCurrency(lines: readonly LineInput[], variants: Map<string, VariantRow>): string | null {
  for (const line of lines) {
    const variant = variants.get(line.variantId)
    if (variant) return variant.currency_code
  }
  return null
}
