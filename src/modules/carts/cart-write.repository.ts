import { CompiledQuery, sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { CartHoldRow, CartLineRow, CartRow, Channel, VariantRow } from '../../db/database.js'
import { PREPARED } from '../../db/prepared.js'
import type { StoredCartToken } from './cart-access.js'
import { cartRowOf, holdRowOf, type Json, json, lineRowOf, variantRowOf } from './cart-json-rows.js'

// Why this module: a cart change costs one statement to read and one to write, whatever it
// changes, instead of one per step (lock, tokens, lines, variants, each line, the cart, its event,
// the outbox: 14 statements a cartLinesAdd with its reply). Every cart write reads and writes
// through these two functions; the rules stay in the services, which only hand over rows.

/** What a cart write decides on, read in one statement. */
export interface CartWriteState {
  /** null: no such cart (or, looked up by customer, no active one). */
  cart: CartRow | null
  /** The cart row's version (xmin); the write only lands while it is unchanged. */
  version: string | null
  tokens: StoredCartToken[]
  /** Every line, variants withdrawn from sale included, in the order added. */
  lines: CartLineRow[]
  holds: CartHoldRow[]
  /** The variants on sale among the cart's lines and the requested ones, by id. */
  variants: Map<string, VariantRow>
  /** Their unit prices at the cart's store after the write, per channel asked for, by variant id. */
  prices: Map<string, Partial<Record<Channel, number>>>
  storeFound: boolean
}

/** Where and when a write's lines are priced (see comptoir_read_cart_for_write). */
export interface CartWritePricing {
  /** The write gives the cart the store it names (storeId, null included); else the cart keeps its own. */
  setsStore: boolean
  /** The channels the write may turn out to come from: its own when known, else every one. */
  channels: readonly Channel[]
  at: Date
}

/**
 * The cart by id, or else the customer's active cart, with everything a change checks. With
 * `lock` (inside a transaction) the cart's row lock is taken first and the rest read after it.
 */
export async function readCartForWrite(
  db: Db,
  wanted: {
    cartId: string | null
    customerId: string | null
    variantIds: readonly string[]
    storeId: string | null
    lock: boolean
    pricing: CartWritePricing
  },
): Promise<CartWriteState> {
  const { pricing } = wanted
  const { rows } = await db.executeQuery<ReadRow>(
    CompiledQuery.raw(READ_CART, [
      wanted.cartId,
      wanted.customerId,
      [...new Set(wanted.variantIds)],
      wanted.storeId,
      wanted.lock,
      pricing.setsStore,
      pricing.channels,
      pricing.at,
    ]),
  )
  const row = rows[0]
  if (!row) throw new Error('comptoir_read_cart_for_write answered no row')
  const cart = json<Json | null>(row.cart_row)
  return {
    cart: cart?.id ? cartRowOf(cart) : null,
    version: row.cart_version,
    tokens: json<StoredCartToken[]>(row.token_rows),
    lines: json<Json[]>(row.line_rows).map(lineRowOf),
    holds: json<Json[]>(row.hold_rows).map(holdRowOf),
    variants: new Map(
      json<Json[]>(row.variant_rows)
        .map(variantRowOf)
        .map((variant) => [variant.id, variant]),
    ),
    prices: new Map(Object.entries(json<Record<string, Partial<Record<Channel, number>>>>(row.price_rows))),
    storeFound: row.store_found,
  }
}

const READ_CART = `${PREPARED} SELECT * FROM comptoir_read_cart_for_write($1::uuid, $2::uuid, $3::uuid[], $4::uuid,
  $5::boolean, $6::boolean, $7::text[], $8::timestamptz)`

interface ReadRow {
  cart_row: Json | null | string
  cart_version: string | null
  token_rows: StoredCartToken[] | string
  line_rows: Json[] | string
  hold_rows: Json[] | string
  variant_rows: Json[] | string
  price_rows: Record<string, Partial<Record<Channel, number>>> | string
  store_found: boolean
}

/** The row of the cart a write lands on: a new cart, or the one read at `version`. */
export type CartRowWrite =
  | {
      kind: 'insert'
      cartId: string
      customerId: string | null
      channel: Channel
      storefrontId: string | null
      pickupStoreId: string | null
      currencyCode: string | null
    }
  | {
      kind: 'update'
      cartId: string
      version: string
      /** null keeps the channel and the time of the last change (nothing on the cart changed). */
      lastChannel: Channel | null
      currencyCode?: string | null
      pickupStoreId?: string | null
      /** Replaces the cart's discount codes (already normalised); undefined keeps them. */
      discountCodes?: readonly string[]
    }

export interface CartWrite {
  cart: CartRowWrite
  deleteVariantIds: readonly string[]
  /** Quantities and the unit price shown to set, in the order new lines take their place. */
  upsertLines: readonly CartLineWrite[]
  tokens: readonly StoredCartToken[]
  handoffs: readonly { code_hash: string; expires_at: Date }[]
  cartEvents: readonly CartEventRow[]
  outboxEvents: readonly OutboxEventRow[]
}

export interface CartLineWrite {
  variantId: string
  quantity: number
  unitPriceMinor: number
}

export interface CartEventRow {
  cart_id: string
  customer_id: string | null
  type: string
  channel: Channel
  payload: Record<string, unknown>
  device: string | null
  storefront_id: string | null
}

export interface OutboxEventRow {
  type: string
  aggregate_type: string
  aggregate_id: string
  payload: Record<string, unknown>
}

/**
 * The whole write as ONE statement (data-modifying CTEs, one transaction with the caller's or its
 * own): the cart row, then lines, tokens, hand-off codes, journey events and outbox events, each
 * written only if the cart row was. null when it was not: the cart changed since it was read, is
 * no longer active, or (insert) the customer already has an active cart.
 */
export async function writeCart(db: Db, write: CartWrite): Promise<{ cart: CartRow; lines: CartLineRow[] } | null> {
  const { rows } = await sql<CartRow & { written_line_rows: Json[] | string }>`${sql.raw(PREPARED)}
    WITH written_cart AS (${cartPart(write.cart)}),
    gone_lines AS (
      DELETE FROM cart_line WHERE cart_id IN (SELECT id FROM written_cart)
        AND variant_id = ANY(${write.deleteVariantIds}::uuid[])
    ),
    written_lines AS (
      INSERT INTO cart_line (cart_id, variant_id, quantity, unit_price_minor)
      SELECT c.id, u.variant_id, u.quantity, u.unit_price_minor
      FROM written_cart AS c,
        unnest(${write.upsertLines.map((line) => line.variantId)}::uuid[],
          ${write.upsertLines.map((line) => line.quantity)}::integer[],
          ${write.upsertLines.map((line) => line.unitPriceMinor)}::integer[])
          WITH ORDINALITY AS u(variant_id, quantity, unit_price_minor, n)
      ORDER BY u.n
      ON CONFLICT (cart_id, variant_id) DO UPDATE
        SET quantity = excluded.quantity, unit_price_minor = excluded.unit_price_minor, updated_at = now()
      RETURNING *
    ),
    written_tokens AS (
      INSERT INTO cart_token (token_hash, cart_id, channel)
      SELECT t.item->>'token_hash', c.id, t.item->>'channel'
      FROM written_cart AS c, jsonb_array_elements(${JSON.stringify(write.tokens)}::jsonb) AS t(item)
    ),
    written_handoffs AS (
      INSERT INTO cart_handoff (code_hash, cart_id, expires_at)
      SELECT h.item->>'code_hash', c.id, (h.item->>'expires_at')::timestamptz
      FROM written_cart AS c, jsonb_array_elements(${JSON.stringify(write.handoffs)}::jsonb) AS h(item)
    ),
    written_events AS (
      INSERT INTO cart_event (cart_id, customer_id, type, channel, payload, device, storefront_id)
      SELECT c.id, (e.item->>'customer_id')::uuid, e.item->>'type', e.item->>'channel', e.item->'payload',
        e.item->>'device', (e.item->>'storefront_id')::uuid
      FROM written_cart AS c,
        jsonb_array_elements(${JSON.stringify(write.cartEvents)}::jsonb) WITH ORDINALITY AS e(item, n)
      ORDER BY e.n
    ),
    written_outbox AS (
      INSERT INTO outbox_event (type, aggregate_type, aggregate_id, payload)
      SELECT o.item->>'type', o.item->>'aggregate_type', o.item->>'aggregate_id', o.item->'payload'
      FROM written_cart AS c,
        jsonb_array_elements(${JSON.stringify(write.outboxEvents)}::jsonb) WITH ORDINALITY AS o(item, n)
      ORDER BY o.n
    )
    SELECT c.*, (SELECT coalesce(jsonb_agg(to_jsonb(l)), '[]'::jsonb) FROM written_lines AS l) AS written_line_rows
    FROM written_cart AS c`.execute(db)
  const row = rows[0]
  if (!row) return null
  const { written_line_rows, ...cart } = row
  return { cart, lines: json<Json[]>(written_line_rows).map(lineRowOf) }
}

/**
 * A new cart waits for its customer's row lock, as a sign-in merging carts takes it: the two
 * never interleave, and a cart the merge made active is found by the ON CONFLICT.
 */
function cartPart(cart: CartRowWrite) {
  if (cart.kind === 'insert') {
    return sql`
      INSERT INTO cart (id, customer_id, channel, last_channel, pickup_store_id, currency_code, storefront_id)
      SELECT ${cart.cartId}::uuid, ${cart.customerId}::uuid, ${cart.channel}::text, ${cart.channel}::text,
        ${cart.pickupStoreId}::uuid, ${cart.currencyCode}::char(3), ${cart.storefrontId}::uuid
      FROM (SELECT count(*) FROM (SELECT 1 FROM customer WHERE id = ${cart.customerId}::uuid FOR UPDATE) AS l) AS locked
      ON CONFLICT (customer_id) WHERE status = 'ACTIVE' DO NOTHING
      RETURNING *`
  }
  return sql`
    UPDATE cart SET
      last_channel = coalesce(${cart.lastChannel}::text, last_channel),
      currency_code = CASE WHEN ${cart.currencyCode !== undefined}::boolean THEN ${cart.currencyCode ?? null}::char(3)
        ELSE currency_code END,
      pickup_store_id = CASE WHEN ${cart.pickupStoreId !== undefined}::boolean THEN ${cart.pickupStoreId ?? null}::uuid
        ELSE pickup_store_id END,
      discount_codes = CASE WHEN ${cart.discountCodes !== undefined}::boolean THEN ${cart.discountCodes ?? []}::text[]
        ELSE discount_codes END,
      updated_at = CASE WHEN ${cart.lastChannel !== null}::boolean THEN now() ELSE updated_at END
    WHERE id = ${cart.cartId}::uuid AND xmin = ${cart.version}::xid AND status = 'ACTIVE'
    RETURNING *`
}
