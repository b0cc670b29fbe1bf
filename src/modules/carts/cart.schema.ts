import type { Channel as ChannelValue } from '../../db/database.js'
import { whileAuthorized } from '../../graphql/authorized-stream.js'
import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { notFound } from '../../graphql/errors.js'
import { Variant } from '../catalog/catalog.schema.js'
import { levelKey } from '../inventory/inventory.js'
import { findAvailableQuantities } from '../inventory/inventory.service.js'
import { Money } from '../shared/money.schema.js'
import { Store } from '../stores/store.schema.js'
import { type CartLineWithVariant, type CartView, CHANNELS, cartCurrencyCode } from './cart.js'
import { findAccessibleCart, findCartViews } from './cart.service.js'
import { grantCartAccess } from './cart-access.js'
import { cartPricingOf } from './cart-pricing.loader.js'
import type { CartPricing } from './cart-pricing.service.js'

export const Channel = builder.enumType('Channel', { values: CHANNELS })

export function cartCredentials(context: GraphQLContext) {
  return { viewer: context.viewer, cartToken: context.cartToken }
}

/** Carts load only for callers who may see them, so node(id) cannot be used to peek. */
async function loadAccessibleCarts(ids: string[], context: GraphQLContext): Promise<CartView[]> {
  const carts = await findCartViews(context.db, ids)
  const granted = await Promise.all(carts.map((cart) => grantCartAccess(context.db, cart, cartCredentials(context))))
  return carts.filter((_cart, index) => granted[index])
}

export const Cart = builder.loadableNodeRef('Cart', {
  id: { resolve: (cart: CartView) => cart.id },
  load: loadAccessibleCarts,
  sort: (cart) => cart.id,
})

/**
 * heldQuantity: what the cart itself holds of the line, which counts as available to it; cart:
 * the view the line belongs to, whose pricing its discounts come from.
 */
export type CartLineValue = CartLineWithVariant & { pickupStoreId: string | null; heldQuantity: number; cart: CartView }

export const CartLine = builder.objectRef<CartLineValue>('CartLine').implement({
  fields: (t) => ({
    variant: t.field({ type: Variant, resolve: (line) => line.variant }),
    quantity: t.exposeInt('quantity'),
    unitPrice: t.field({
      type: Money,
      description:
        'The price shown when the line (or the cart’s store) last changed, for the cart’s store and channel; the checkout charges it or answers PRICE_CHANGED.',
      resolve: (line) => ({ amountMinor: line.unit_price_minor, currencyCode: line.variant.currency_code }),
    }),
    lineTotal: t.field({
      type: Money,
      description: 'unitPrice × quantity, before discounts (see discountAllocations).',
      resolve: (line) => ({
        amountMinor: line.unit_price_minor * line.quantity,
        currencyCode: line.variant.currency_code,
      }),
    }),
    availableInStore: t.loadable({
      type: 'Boolean',
      nullable: true,
      description: 'Whether the pickup store has this quantity available; null until a store is chosen.',
      load: async (keys: string[], context) => {
        const available = await availableByKey(context, keys)
        return keys.map((key) => {
          const [storeId = '', variantId = '', quantity, held] = key.split(':')
          return (available.get(levelKey(storeId, variantId)) ?? 0) + Number(held) >= Number(quantity)
        })
      },
      resolve: (line) =>
        line.pickupStoreId
          ? `${levelKey(line.pickupStoreId, line.variant_id)}:${line.quantity}:${line.heldQuantity}`
          : null,
    }),
    availableQuantityInStore: t.loadable({
      type: 'Int',
      nullable: true,
      description: 'How many the pickup store has available; null until a store is chosen.',
      load: async (keys: string[], context) => {
        const available = await availableByKey(context, keys)
        return keys.map((key) => {
          const [storeId = '', variantId = '', held] = key.split(':')
          return (available.get(levelKey(storeId, variantId)) ?? 0) + Number(held)
        })
      },
      resolve: (line) =>
        line.pickupStoreId ? `${levelKey(line.pickupStoreId, line.variant_id)}:${line.heldQuantity}` : null,
    }),
  }),
})

/** Keys start "store:variant"; one query answers every line of every cart on the page. */
function availableByKey(context: GraphQLContext, keys: string[]) {
  const pairs = keys.map((key) => key.split(':') as [string, string])
  return findAvailableQuantities(
    context.db,
    [...new Set(pairs.map(([storeId]) => storeId))],
    [...new Set(pairs.map(([, variantId]) => variantId))],
  )
}

const CartStatus = builder.enumType('CartStatus', { values: ['ACTIVE', 'MERGED', 'CHECKED_OUT'] as const })

/** An amount of the cart's pricing with its promotions (cartPricingOf: computed once per request). */
export async function pricedMoney(
  context: GraphQLContext,
  cart: CartView,
  pick: (pricing: CartPricing['pricing']) => number,
) {
  const { pricing } = await cartPricingOf(context, cart)
  return { amountMinor: pick(pricing), currencyCode: cartCurrencyCode(cart) }
}

Cart.implement({
  fields: (t) => ({
    channel: t.field({ type: Channel, description: 'Where the cart was started.', resolve: (cart) => cart.channel }),
    lastChannel: t.field({
      type: Channel,
      description: 'Where it was last changed.',
      resolve: (cart) => cart.last_channel as ChannelValue,
    }),
    status: t.field({ type: CartStatus, resolve: (cart) => cart.status }),
    lines: t.field({
      type: [CartLine],
      resolve: (cart) =>
        cart.lines.map((line) => ({
          ...line,
          cart,
          pickupStoreId: cart.pickup_store_id,
          heldQuantity:
            cart.holds.find((hold) => hold.variant_id === line.variant_id && hold.store_id === cart.pickup_store_id)
              ?.quantity ?? 0,
        })),
    }),
    itemCount: t.int({ resolve: (cart) => cart.lines.reduce((sum, line) => sum + line.quantity, 0) }),
    subtotal: t.field({
      type: Money,
      description: 'The lines at the unit prices shown, before discounts.',
      resolve: (cart, _args, context) => pricedMoney(context, cart, (pricing) => pricing.subtotalMinor),
    }),
    tax: t.field({
      type: Money,
      description: 'The tax contained in the total, after discounts.',
      resolve: (cart, _args, context) => pricedMoney(context, cart, (pricing) => pricing.taxMinor),
    }),
    total: t.field({
      type: Money,
      description: 'What the cart costs after discounts (subtotal − discountTotal), tax included.',
      resolve: (cart, _args, context) => pricedMoney(context, cart, (pricing) => pricing.totalMinor),
    }),
    pickupStore: t.field({ type: Store, nullable: true, resolve: (cart) => cart.pickup_store_id }),
    reservedUntil: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'While cart reservations are on: until when the pickup store holds these lines for this cart.',
      resolve: (cart) =>
        cart.holds.length === 0
          ? null
          : new Date(Math.min(...cart.holds.map((hold) => new Date(hold.expires_at).getTime()))),
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (cart) => cart.created_at }),
    updatedAt: t.field({ type: 'DateTime', resolve: (cart) => cart.updated_at }),
  }),
})

builder.queryFields((t) => ({
  cart: t.field({
    type: Cart,
    nullable: true,
    description: "Needs the cart's X-Cart-Token, or its owner's access token; null otherwise.",
    args: { id: t.arg.globalID({ required: true, for: Cart }) },
    resolve: (_root, args) => args.id.id,
  }),
}))

builder.subscriptionFields((t) => ({
  cartUpdated: t.field({
    type: Cart,
    description: 'Every change to the cart, from any device, as it commits (Server-Sent Events).',
    args: { cartId: t.arg.globalID({ required: true, for: Cart }) },
    subscribe: async (_root, args, context) => {
      const cartId = args.cartId.id
      if (!(await findAccessibleCart(context.db, cartId, cartCredentials(context)))) throw notFound('Cart', cartId)
      return whileAuthorized(context, context.pubsub.subscribe('cart:updated', cartId))
    },
    // Events carry ids only: each one is answered with the cart as it stands now.
    resolve: async (event, _args, context) => {
      const cart = await findAccessibleCart(context.db, event.cartId, cartCredentials(context))
      if (!cart) throw notFound('Cart', event.cartId)
      return cart
    },
  }),
}))
