import { CompiledQuery } from 'kysely'
import { batchedPerDatabase } from '../../db/batcher.js'
import type { Db } from '../../db/create-db.js'
import type { CartRow, StoreRow, VariantRow } from '../../db/database.js'
import { PREPARED } from '../../db/prepared.js'
import type { StoredCartToken } from '../carts/cart-access.js'
import { isUuid } from '../shared/uuid.js'

export interface CheckoutCartLine {
  variant_id: string
  quantity: number
  variant: Pick<VariantRow, 'sku' | 'title' | 'price_minor' | 'tax_rate_bp'>
}

export interface CheckoutRead {
  cart: Pick<CartRow, 'id' | 'status' | 'customer_id' | 'currency_code' | 'last_channel'>
  /** The cart row's version (xmin): any change to the cart or its lines moves it on. */
  version: string
  tokens: StoredCartToken[]
  /** Lines of variants still on sale, in the order they were added. */
  lines: CheckoutCartLine[]
  holds: { store_id: string; variant_id: string }[]
  store: Pick<
    StoreRow,
    | 'id'
    | 'opening_hours'
    | 'time_zone'
    | 'slot_minutes'
    | 'preparation_minutes'
    | 'slot_capacity'
    | 'special_days'
    | 'accepting_orders'
  > | null
}

/**
 * Everything a checkout reads, in ONE query: the cart and its version, its tokens, its lines with
 * their variants, what it holds, and the store. The same rows the cart, access and store services
 * read one query at a time; on the checkout path every round trip costs throughput, so checkouts
 * that arrive while others are reading are read together (see batchedPerDatabase).
 */
export function readCheckout(db: Db, cartId: string, storeId: string): Promise<CheckoutRead | null> {
  // A malformed id would fail the cast, and with it every checkout read in the same batch.
  if (!isUuid(cartId) || !isUuid(storeId)) return Promise.resolve(null)
  return readBatched(db, { cartId, storeId })
}

const readBatched = batchedPerDatabase(readCheckouts, { maxInFlight: 1, maxBatchSize: 32 })

/**
 * Fixed text: the carts by primary key, the stores (a handful) once for all of them. The query
 * itself is in comptoir_read_checkouts (migration 0012), where its plan is made once per connection.
 */
const READ_CHECKOUTS = `${PREPARED} SELECT * FROM comptoir_read_checkouts($1::uuid[], $2::uuid[])`

type CheckoutReadRow = CheckoutRead['cart'] & Omit<CheckoutRead, 'cart' | 'store'> & { stores: unknown }

async function readCheckouts(
  db: Db,
  wanted: readonly { cartId: string; storeId: string }[],
): Promise<(CheckoutRead | null)[]> {
  const { rows } = await db.executeQuery<CheckoutReadRow>(
    CompiledQuery.raw(READ_CHECKOUTS, [
      [...new Set(wanted.map((each) => each.cartId))],
      [...new Set(wanted.map((each) => each.storeId))],
    ]),
  )
  const carts = new Map(rows.map((row) => [row.id, row]))
  const stores = json(rows[0]?.stores ?? {}) as Record<string, CheckoutRead['store']>
  return wanted.map(({ cartId, storeId }) => {
    const row = carts.get(cartId)
    if (!row) return null
    const { version, tokens, lines, holds, stores: _stores, ...cart } = row
    return {
      cart,
      version,
      tokens: json(tokens),
      lines: json(lines),
      holds: json(holds),
      store: stores[storeId] ?? null,
    }
  })
}

/** jsonb arrives parsed from pg; PGlite too, but a driver may hand it over as text. */
function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value
}
