import type { Db } from '../../db/create-db.js'
import type { CartRow, Channel } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { keylessChannel } from '../channels/request-origin.js'
import { recordEvent } from '../events/event.service.js'
import { CartNotActiveError, CartNotFoundError, UnknownStoreError } from './cart.errors.js'
import type { CartView } from './cart.js'
import { CHANNELS } from './cart.js'
import * as cartRepository from './cart.repository.js'
import { type CartCredentials, grantCartAccessByTokens } from './cart-access.js'
import { type CartEvent, cartOutboxEvent, commitCartWrite, withCartAttempts } from './cart-commit.js'
import type { CartHolding } from './cart-hold-sync.js'
import type { CartLineWrite, CartWriteState } from './cart-write.repository.js'
import * as cartWriteRepository from './cart-write.repository.js'

export interface CartChangeContext {
  cart: CartRow
  channel: Channel
  /** The cart as read for this change: its lines, the variants named, holds. */
  state: CartWriteState
}

/** What a change decides, from the cart as read; it runs no SQL of its own. */
export interface CartChangePlan<T> {
  result: T
  payload?: Record<string, unknown>
  changes?: { currency_code?: string | null; pickup_store_id?: string | null; discount_codes?: readonly string[] }
  lines?: { deleteVariantIds: readonly string[]; upsert: readonly CartLineWrite[] }
  handoffs?: readonly { code_hash: string; expires_at: Date }[]
}

export interface CartChangeRequest {
  cartId: string
  credentials: CartCredentials
  /** The request's channel (channels/request-origin.ts writeOriginOf); null: keyless and unstated. */
  channel: Channel | null
  device: string | null
  storefrontId: string | null
  eventType: string
  holding?: CartHolding
  /** Variants the change names, read with the cart. */
  variantIds?: readonly string[]
  /** A store the change names: refused first when it does not exist. */
  storeId?: string | null
  /** The change makes `storeId` the cart's store: lines are priced there, not at the cart's store. */
  setsStore?: boolean
  /** The instant the lines it changes are priced at. */
  now: Date
}

/**
 * The frame of every change to a cart: check the caller may change it and that it is still
 * active, decide the change (`plan`), then write it stamped with the channel that made it, with
 * the journey event and the outbox event, in one statement that lands only on the cart as read
 * (see withCartAttempts). Answers the plan's result and the cart as it now stands.
 */
export function changeCart<T>(
  db: Db,
  request: CartChangeRequest,
  plan: (context: CartChangeContext) => CartChangePlan<T>,
): Promise<{ result: T; cart: CartView }> {
  return withCartAttempts(db, request.cartId, request.holding, async (scope, trx) => {
    const state = await readForChange(scope, request, trx !== null)
    const { cart, version, grantChannel } = checkedCart(state, request.credentials)
    const channel = request.channel ?? keylessChannel(grantChannel ?? cart.last_channel)
    const decided = plan({ cart, channel, state })
    const changes = decided.changes ?? {}
    const view = await commitCartWrite(scope, trx, {
      state,
      write: {
        cart: {
          kind: 'update',
          cartId: cart.id,
          version,
          lastChannel: channel,
          currencyCode: changes.currency_code,
          pickupStoreId: changes.pickup_store_id,
          discountCodes: changes.discount_codes,
        },
        deleteVariantIds: decided.lines?.deleteVariantIds ?? [],
        upsertLines: decided.lines?.upsert ?? [],
        tokens: [],
        handoffs: decided.handoffs ?? [],
      },
      events: [
        {
          cartId: cart.id,
          customerId: cart.customer_id,
          type: request.eventType,
          channel,
          payload: decided.payload ?? {},
          device: request.device,
          storefrontId: request.storefrontId,
        },
      ],
      holding: request.holding,
    })
    return view ? { result: decided.result, cart: view } : null
  })
}

async function readForChange(db: Db, request: CartChangeRequest, lock: boolean): Promise<CartWriteState> {
  const state = await cartWriteRepository.readCartForWrite(db, {
    cartId: request.cartId,
    customerId: null,
    variantIds: request.variantIds ?? [],
    storeId: request.storeId ?? null,
    lock,
    pricing: {
      setsStore: request.setsStore ?? false,
      channels: request.channel ? [request.channel] : CHANNELS,
      at: request.now,
    },
  })
  if (request.storeId && !state.storeFound) throw new UnknownStoreError()
  return state
}

/** Missing, foreign and wrong-token carts alike are "not found"; then it must still be active. */
function checkedCart(
  state: CartWriteState,
  credentials: CartCredentials,
): { cart: CartRow; version: string; grantChannel: Channel | null } {
  const grant = state.cart ? grantCartAccessByTokens(state.cart, state.tokens, credentials) : null
  if (!state.cart || !state.version || !grant) throw new CartNotFoundError()
  if (state.cart.status !== 'ACTIVE') throw new CartNotActiveError(state.cart.status)
  return { cart: state.cart, version: state.version, grantChannel: grant.channel }
}

/** A cart event and its outbox event, for the writes that still run step by step (merge, hand-off claim, hold expiry). */
export async function recordCartEvent(trx: Trx, event: CartEvent): Promise<void> {
  await cartRepository.insertCartEvent(trx, event)
  await recordEvent(trx, cartOutboxEvent(event))
}
