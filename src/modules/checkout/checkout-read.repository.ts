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
  /** The unit price the cart shows: what the shopper saw, the only price the order may charge. */
  unit_price_minor: number
  /** The price rule's answer at the checkout's instant, for its store and the cart's channel. */
  current_price_minor: number
  variant: Pick<VariantRow, 'sku' | 'title' | 'price_minor' | 'tax_rate_bp'>
}

/** A line as comptoir_read_checkouts returns it: the rule's price at each store of the batch. */
type ReadLine = Omit<CheckoutCartLine, 'current_price_minor'> & { prices: Record<string, number> | null }

export interface CheckoutRead {
  cart: Pick<CartRow, 'id' | 'status' | 'customer_id' | 'currency_code' | 'last_channel' | 'discount_codes'>
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
 * their variants and prices (shown, and the rule's now at `at`), what it holds, and the store. The
 * same rows the cart, access and store services read one query at a time; on the checkout path
 * every round trip costs throughput, so checkouts that arrive while others are reading are read
 * together (see batchedPerDatabase), priced at the instant of the first of them.
 */
export function readCheckout(db: Db, cartId: string, storeId: string, at: Date): Promise<CheckoutRead | null> {
  // A malformed id would fail the cast, and with it every checkout read in the same batch.
  if (!isUuid(cartId) || !isUuid(storeId)) return Promise.resolve(null)
  return readBatched(db, { cartId, storeId, at })
}

const readBatched = batchedPerDatabase(readCheckouts, { maxInFlight: 1, maxBatchSize: 32 })

/**
 * Fixed text: the carts by primary key, the stores (a handful) once for all of them. The query
 * itself is in comptoir_read_checkouts (migration 0034), where its plan is made once per connection.
 */
const READ_CHECKOUTS = `${PREPARED} SELECT * FROM comptoir_read_checkouts($1::uuid[], $2::uuid[], $3::timestamptz)`

type CheckoutReadRow = CheckoutRead['cart'] &
  Omit<CheckoutRead, 'cart' | 'store' | 'lines'> & { lines: ReadLine[] | string; stores: unknown }

async function readCheckouts(
  db: Db,
  wanted: readonly { cartId: string; storeId: string; at: Date }[],
): Promise<(CheckoutRead | null)[]> {
  const { rows } = await db.executeQuery<CheckoutReadRow>(
    CompiledQuery.raw(READ_CHECKOUTS, [
      [...new Set(wanted.map((each) => each.cartId))],
      [...new Set(wanted.map((each) => each.storeId))],
      wanted[0]?.at ?? new Date(),
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
      lines: json(lines).map(({ prices, ...line }) => ({ ...line, current_price_minor: priceAt(prices, storeId) })),
      holds: json(holds),
      store: stores[storeId] ?? null,
    }
  })
}

/** Every store of the batch is priced for every line (one no one has, as no store would be). */
function priceAt(prices: Record<string, number> | null, storeId: string): number {
  const price = prices?.[storeId]
  if (price === undefined) throw new Error(`comptoir_read_checkouts priced no line for store ${storeId}`)
  return price
}

/** jsonb arrives parsed from pg; PGlite too, but a driver may hand it over as text. */
function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value
}
