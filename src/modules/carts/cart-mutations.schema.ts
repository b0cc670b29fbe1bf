import { z } from 'zod'
import type { Channel as ChannelValue } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { quantityOrZeroInput } from '../../graphql/input-validation.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { Variant } from '../catalog/catalog.schema.js'
import { writeOriginOf } from '../channels/request-origin.js'
import { CartLineInput } from '../inventory/cart-line-input.schema.js'
import { Store } from '../stores/store.schema.js'
import type { CartView } from './cart.js'
import { Cart, Channel, cartCredentials } from './cart.schema.js'
import { createCart, findCartViews, setPickupStore } from './cart.service.js'
import { claimHandoffCounted, createHandoff } from './cart-handoff.service.js'
import { addLines, removeLines, updateLines } from './cart-lines.service.js'

/** The payload of a change to a cart: the cart as it now stands, or why nothing changed. */
export function cartPayload(name: string) {
  return builder.objectRef<Payload<{ cart: CartView }>>(name).implement({
    fields: (t) => ({
      cart: t.field({ type: Cart, nullable: true, resolve: (payload) => payload.cart ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
    }),
  })
}

/**
 * Who asks, from which channel, and whether the change should re-take the cart's stock holds. The
 * channel is the request's key's; a stated one that contradicts it is refused (CHANNEL_NOT_ALLOWED).
 */
function cartChangeRequest(context: GraphQLContext, cartId: string, channel: ChannelValue | null | undefined) {
  return {
    cartId,
    credentials: cartCredentials(context),
    ...writeOriginOf(context.origin, channel),
    holding: { policy: context.cartHolds, now: context.now },
    now: context.now,
  }
}

/** Access was checked inside the transaction; the payload shows the cart as it now stands. */
export async function cartViewAfterChange(context: GraphQLContext, cartId: string): Promise<CartView> {
  const [cart] = await findCartViews(context.db, [cartId])
  if (!cart) throw new Error(`cart ${cartId} vanished after a committed change`)
  return cart
}

const lineList = z.array(z.unknown()).min(1).max(100)

/** Every cart input's `channel`: the key decides it; the input may only repeat it. */
export const CHANNEL_INPUT =
  'Optional: the channel comes from the request’s key (terminal, kiosk, X-Storefront-Key) and a different one is refused with CHANNEL_NOT_ALLOWED. Without a key, WEB or APP (default: the channel the cart remembers for this device, else WEB); never KIOSK or POS.'

const CartLineUpdateInput = builder.inputType('CartLineUpdateInput', {
  fields: (t) => ({
    variantId: t.globalID({ required: true, for: Variant }),
    quantity: t.int({ required: true, description: '0 removes the line.', validate: quantityOrZeroInput }),
  }),
})

const CartCreateInput = builder.inputType('CartCreateInput', {
  fields: (t) => ({
    channel: t.field({ type: Channel, description: CHANNEL_INPUT }),
    lines: t.field({ type: [CartLineInput], validate: z.array(z.unknown()).max(100) }),
    storeId: t.globalID({ for: Store, description: 'The pickup store, if already chosen.' }),
  }),
})

function cartWithTokenPayload(name: string) {
  return builder.objectRef<Payload<{ cart: CartView; cartToken: string }>>(name).implement({
    fields: (t) => ({
      cart: t.field({ type: Cart, nullable: true, resolve: (payload) => payload.cart ?? null }),
      cartToken: t.string({
        nullable: true,
        description: 'Secret for this device: send it as X-Cart-Token. Shown once.',
        resolve: (payload) => payload.cartToken ?? null,
      }),
      userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
    }),
  })
}

const CartLinesAddInput = builder.inputType('CartLinesAddInput', {
  fields: (t) => ({
    cartId: t.globalID({ required: true, for: Cart }),
    lines: t.field({ type: [CartLineInput], required: true, validate: lineList }),
    channel: t.field({ type: Channel, description: CHANNEL_INPUT }),
  }),
})

const CartLinesUpdateInput = builder.inputType('CartLinesUpdateInput', {
  fields: (t) => ({
    cartId: t.globalID({ required: true, for: Cart }),
    lines: t.field({ type: [CartLineUpdateInput], required: true, validate: lineList }),
    channel: t.field({ type: Channel, description: CHANNEL_INPUT }),
  }),
})

const CartLinesRemoveInput = builder.inputType('CartLinesRemoveInput', {
  fields: (t) => ({
    cartId: t.globalID({ required: true, for: Cart }),
    variantIds: t.globalIDList({ required: true, for: Variant, validate: lineList }),
    channel: t.field({ type: Channel, description: CHANNEL_INPUT }),
  }),
})

const CartSetPickupStoreInput = builder.inputType('CartSetPickupStoreInput', {
  fields: (t) => ({
    cartId: t.globalID({ required: true, for: Cart }),
    storeId: t.globalID({ for: Store, description: 'null clears the choice.' }),
    channel: t.field({ type: Channel, description: CHANNEL_INPUT }),
  }),
})

const toLines = (lines: { variantId: { id: string }; quantity: number }[]) =>
  lines.map((line) => ({ variantId: line.variantId.id, quantity: line.quantity }))

builder.mutationFields((t) => ({
  cartCreate: t.field({
    type: cartWithTokenPayload('CartCreatePayload'),
    args: { input: t.arg({ type: CartCreateInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(() => {
        const origin = writeOriginOf(context.origin, input.channel)
        return createCart(context.db, {
          holding: { policy: context.cartHolds, now: context.now },
          viewer: context.viewer,
          ...origin,
          channel: origin.channel ?? 'WEB',
          lines: toLines(input.lines ?? []),
          pickupStoreId: input.storeId?.id ?? null,
          now: context.now,
        })
      }),
  }),
  cartLinesAdd: t.field({
    type: cartPayload('CartLinesAddPayload'),
    args: { input: t.arg({ type: CartLinesAddInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        const request = cartChangeRequest(context, input.cartId.id, input.channel)
        return { cart: await addLines(context.db, { ...request, lines: toLines(input.lines) }) }
      }),
  }),
  cartLinesUpdate: t.field({
    type: cartPayload('CartLinesUpdatePayload'),
    args: { input: t.arg({ type: CartLinesUpdateInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        const request = cartChangeRequest(context, input.cartId.id, input.channel)
        return { cart: await updateLines(context.db, { ...request, lines: toLines(input.lines) }) }
      }),
  }),
  cartLinesRemove: t.field({
    type: cartPayload('CartLinesRemovePayload'),
    args: { input: t.arg({ type: CartLinesRemoveInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        const request = cartChangeRequest(context, input.cartId.id, input.channel)
        const variantIds = input.variantIds.map((id) => id.id)
        return { cart: await removeLines(context.db, { ...request, variantIds }) }
      }),
  }),
  cartSetPickupStore: t.field({
    type: cartPayload('CartSetPickupStorePayload'),
    args: { input: t.arg({ type: CartSetPickupStoreInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        const request = cartChangeRequest(context, input.cartId.id, input.channel)
        return { cart: await setPickupStore(context.db, { ...request, storeId: input.storeId?.id ?? null }) }
      }),
  }),
}))

const CartHandoffCreateInput = builder.inputType('CartHandoffCreateInput', {
  fields: (t) => ({
    cartId: t.globalID({ required: true, for: Cart }),
    channel: t.field({ type: Channel, description: CHANNEL_INPUT }),
  }),
})

const CartHandoffCreatePayload = builder
  .objectRef<Payload<{ code: string; expiresAt: Date; url: string }>>('CartHandoffCreatePayload')
  .implement({
    fields: (t) => ({
      code: t.string({
        nullable: true,
        description: 'Type it on the other device, e.g. "7KQ2-M9XD".',
        resolve: (p) => p.code ?? null,
      }),
      expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.expiresAt ?? null }),
      url: t.string({
        nullable: true,
        description: 'Encode it in a QR code for a phone camera.',
        resolve: (p) => p.url ?? null,
      }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })

const CartHandoffClaimInput = builder.inputType('CartHandoffClaimInput', {
  fields: (t) => ({
    code: t.string({ required: true, validate: z.string().max(32) }),
    channel: t.field({ type: Channel, description: CHANNEL_INPUT }),
  }),
})

builder.mutationFields((t) => ({
  cartHandoffCreate: t.field({
    type: CartHandoffCreatePayload,
    args: { input: t.arg({ type: CartHandoffCreateInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        const request = cartChangeRequest(context, input.cartId.id, input.channel)
        const handoff = await createHandoff(context.db, request)
        const url = new URL('/cart/handoff', context.storefrontUrl)
        url.searchParams.set('code', handoff.code)
        return { ...handoff, url: url.toString() }
      }),
  }),
  cartHandoffClaim: t.field({
    type: cartWithTokenPayload('CartHandoffClaimPayload'),
    args: { input: t.arg({ type: CartHandoffClaimInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        const origin = writeOriginOf(context.origin, input.channel)
        const { cartId, cartToken } = await claimHandoffCounted(context.db, context.attempts, {
          ...origin,
          code: input.code,
          channel: origin.channel ?? 'WEB',
          now: context.now,
        })
        return { cart: await cartViewAfterChange(context, cartId), cartToken }
      }),
  }),
}))
