import type { Job } from '../../jobs/job.js'
import { lockCartsWithExpiredHolds, releaseCartHolds } from '../inventory/cart-hold.service.js'
import * as cartRepository from './cart.repository.js'
import { recordCartEvent } from './cart-change.js'

const BATCH_SIZE = 500

/** A cart left alone past its hold period gives its stock back to everyone. */
export function cartHoldExpiryJob(): Job {
  return {
    name: 'cart-hold-expiry',
    intervalMs: 30_000,
    async run(trx, now) {
      const cartIds = await lockCartsWithExpiredHolds(trx, now, BATCH_SIZE)
      for (const cartId of cartIds) {
        await releaseCartHolds(trx, cartId)
        const [cart] = await cartRepository.findCartsByIds(trx, [cartId])
        if (cart) {
          await recordCartEvent(trx, {
            cartId,
            customerId: cart.customer_id,
            type: 'hold_expired',
            channel: cart.last_channel,
            payload: {},
            device: null,
            storefrontId: null,
          })
        }
      }
      return { affected: cartIds.length }
    },
  }
}
