import type { Channel } from '../../db/database.js'
import type { CartLineWrite, CartWriteState } from './cart-write.repository.js'

/**
 * The unit price a line is shown at when it changes: the price rule's answer for the cart's store
 * after the write and the write's channel, as comptoir_read_cart_for_write read it.
 */
export function shownUnitPrice(state: Pick<CartWriteState, 'prices'>, variantId: string, channel: Channel): number {
  const price = state.prices.get(variantId)?.[channel]
  // The read prices every variant it returns for every channel asked: a gap is a bug, not an input.
  if (price === undefined) throw new Error(`no ${channel} price was read for variant ${variantId}`)
  return price
}

/** Every line still on sale, at its quantity, priced again (the cart's store changed). */
export function repricedLines(state: Pick<CartWriteState, 'lines' | 'variants' | 'prices'>, channel: Channel) {
  return state.lines.flatMap((line): CartLineWrite[] =>
    state.variants.has(line.variant_id)
      ? [
          {
            variantId: line.variant_id,
            quantity: line.quantity,
            unitPriceMinor: shownUnitPrice(state, line.variant_id, channel),
          },
        ]
      : [],
  )
}
