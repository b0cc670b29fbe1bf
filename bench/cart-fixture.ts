import { anonymous } from '../src/auth/viewer.js'
import type { Db } from '../src/db/create-db.js'
import { createCart } from '../src/modules/carts/cart.service.js'

export interface BenchCart {
  cartId: string
  cartToken: string
}

/** Empty anonymous carts, made through the same service as cartCreate. */
export async function createBenchCarts(db: Db, count: number): Promise<BenchCart[]> {
  const carts: BenchCart[] = []
  for (let i = 0; i < count; i++) {
    const { cart, cartToken } = await createCart(db, {
      viewer: anonymous,
      channel: 'WEB',
      device: null,
      storefrontId: null,
      lines: [],
      pickupStoreId: null,
      now: new Date(),
    })
    carts.push({ cartId: cart.id, cartToken })
  }
  return carts
}
