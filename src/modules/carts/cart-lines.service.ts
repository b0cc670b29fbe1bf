import type { Channel, VariantRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { findActiveVariants } from '../catalog/catalog.service.js'
import type { UserErrorEntry } from '../shared/business-error.js'
import { assertDistinctLines } from '../shared/duplicate-lines.js'
import { CartLineError } from './cart.errors.js'
import { MAX_LINE_QUANTITY, MAX_LINES } from './cart.js'
import * as cartRepository from './cart.repository.js'
import type { CartCredentials } from './cart-access.js'
import { changeCart } from './cart-change.js'
import type { CartHolding } from './cart-hold-sync.js'

export interface LineInput {
  variantId: string
  quantity: number
}

interface LineChangeRequest {
  cartId: string
  credentials: CartCredentials
  channel: Channel | null
  holding?: CartHolding
}

/**
 * Adds quantities to the cart (a variant already there grows). Refuses, changing nothing, an
 * unknown or inactive variant, another currency, more than 99 of a variant or 100 lines.
 */
export function addLines(trx: Trx, request: LineChangeRequest & { lines: LineInput[] }): Promise<void> {
  return setQuantities(trx, request, request.lines, 'lines_added', (current, requested) => current + requested)
}

/**
 * Sets quantities; 0 removes the line. Same refusals as addLines, and DUPLICATE_LINE for a variant
 * named twice: two quantities for one line cannot both be set.
 */
export async function updateLines(trx: Trx, request: LineChangeRequest & { lines: LineInput[] }): Promise<void> {
  assertDistinctLines(request.lines, (line) => line.variantId, { list: 'lines', key: 'variantId' })
  return setQuantities(trx, request, request.lines, 'lines_updated', (_current, requested) => requested)
}

export function removeLines(trx: Trx, request: LineChangeRequest & { variantIds: string[] }): Promise<void> {
  return changeCart(trx, { ...request, eventType: 'lines_removed' }, async ({ cart }) => {
    const present = new Set((await cartRepository.findLinesOfCarts(trx, [cart.id])).map((line) => line.variant_id))
    const missing = request.variantIds.flatMap((id, index) =>
      present.has(id) ? [] : [CartLineError.lineNotFound(index)],
    )
    if (missing.length > 0) throw new CartLineError(missing)
    await cartRepository.deleteLines(trx, cart.id, request.variantIds)
    const remaining = present.size - new Set(request.variantIds).size
    return {
      result: undefined,
      payload: { variantIds: request.variantIds },
      changes: remaining === 0 ? { currency_code: null } : {},
    }
  })
}

function setQuantities(
  trx: Trx,
  request: LineChangeRequest,
  lines: LineInput[],
  eventType: string,
  nextQuantity: (current: number, requested: number) => number,
): Promise<void> {
  return changeCart(trx, { ...request, eventType }, async ({ cart }) => {
    const existing = new Map(
      (await cartRepository.findLinesOfCarts(trx, [cart.id])).map((l) => [l.variant_id, l.quantity]),
    )
    const variants = await findActiveVariants(
      trx,
      lines.map((line) => line.variantId),
    )
    const currency = cart.currency_code ?? firstCurrency(lines, variants)
    const errors: UserErrorEntry[] = []
    const next = new Map(existing)
    for (const [index, line] of lines.entries()) {
      const variant = variants.get(line.variantId)
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

    const removed = [...next].filter(([, quantity]) => quantity === 0).map(([variantId]) => variantId)
    await cartRepository.deleteLines(trx, cart.id, removed)
    for (const [variantId, quantity] of next) {
      if (quantity > 0 && quantity !== existing.get(variantId)) {
        await cartRepository.upsertLineQuantity(trx, cart.id, variantId, quantity)
      }
    }
    return {
      result: undefined,
      payload: { lines: lines.map((line) => ({ variantId: line.variantId, quantity: line.quantity })) },
      changes: { currency_code: lineCount === 0 ? null : currency },
    }
  })
}

function firstCurrency(lines: LineInput[], variants: Map<string, VariantRow>): string | null {
  for (const line of lines) {
    const variant = variants.get(line.variantId)
    if (variant) return variant.currency_code
  }
  return null
}
