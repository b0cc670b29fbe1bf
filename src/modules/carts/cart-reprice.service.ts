import type { Db } from '../../db/create-db.js'
import type { Channel } from '../../db/database.js'
import { eventRow } from '../events/event.service.js'
import * as cartRepository from './cart.repository.js'
import { cartOutboxEvent } from './cart-commit.js'
import * as cartWriteRepository from './cart-write.repository.js'

export interface RepricedLine {
  variantId: string
  quantity: number
  fromMinor: number
  toMinor: number
}

/**
 * Shows the cart's lines at new unit prices (the checkout found the price rule disagreeing with
 * what the cart showed), with a "lines_repriced" event for every device to refetch. One statement,
 * landing only on the cart version the checkout read; false when the cart changed meanwhile.
 */
export async function repriceCartLines(
  db: Db,
  request: {
    cartId: string
    version: string
    customerId: string | null
    channel: Channel
    storeId: string
    lines: readonly RepricedLine[]
  },
): Promise<boolean> {
  const event = {
    cartId: request.cartId,
    customerId: request.customerId,
    type: 'lines_repriced',
    channel: request.channel,
    payload: {
      storeId: request.storeId,
      lines: request.lines.map(({ variantId, fromMinor, toMinor }) => ({ variantId, fromMinor, toMinor })),
    },
    // The price rule changed the lines, not a device: the journey leaves this event out.
    device: null,
    storefrontId: null,
  }
  const written = await cartWriteRepository.writeCart(db, {
    cart: { kind: 'update', cartId: request.cartId, version: request.version, lastChannel: request.channel },
    deleteVariantIds: [],
    upsertLines: request.lines.map((line) => ({
      variantId: line.variantId,
      quantity: line.quantity,
      unitPriceMinor: line.toMinor,
    })),
    tokens: [],
    handoffs: [],
    cartEvents: [cartRepository.cartEventRow(event)],
    outboxEvents: [eventRow(cartOutboxEvent(event))],
  })
  return written !== null
}
