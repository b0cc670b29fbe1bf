import { anonymous } from '../src/auth/viewer.js'
import type { Db } from '../src/db/create-db.js'
import { inTransaction } from '../src/db/transaction.js'
import { createCart } from '../src/modules/carts/cart.service.js'

export interface BenchCart {
  cartId: string
  cartToken: string
}

/** Empty anonymous carts, made through the same service as cartCreate. */
export async function createBenchCarts(db: Db, count: number): Promise<BenchCart[]> {
  const carts: BenchCart[] = []
  for (let i = 0; i < count; i++) {
    carts.push(
      await inTransaction(db, (trx) =>
        createCart(trx, { viewer: anonymous, channel: 'WEB', lines: [], pickupStoreId: null }),
      ),
    )
  }
  return carts.map((cart) => ({ cartId: cart.cartId, cartToken: cart.cartToken }))
}
