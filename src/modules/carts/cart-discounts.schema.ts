import { z } from 'zod'
import { builder } from '../../graphql/builder.js'
import { withUserErrors } from '../../graphql/user-errors.js'
import { writeOriginOf } from '../channels/request-origin.js'
import type { DiscountCodeOutcome } from '../promotions/discount-pricing.js'
import { DISCOUNT_CODE_REASONS } from '../promotions/promotion.js'
import { Money } from '../shared/money.schema.js'
import { type CartView, cartCurrencyCode } from './cart.js'
import { Cart, CartLine, Channel, cartCredentials, pricedMoney } from './cart.schema.js'
import { updateDiscountCodes } from './cart-discount-codes.service.js'
import { CHANNEL_INPUT, cartPayload } from './cart-mutations.schema.js'
import { cartPricingOf } from './cart-pricing.loader.js'

export const DiscountCodeReason = builder.enumType('DiscountCodeReason', {
  description: 'Why a discount code does not apply to the cart as it stands.',
  values: DISCOUNT_CODE_REASONS,
})

const CartDiscountCode = builder.objectRef<DiscountCodeOutcome>('CartDiscountCode').implement({
  description: 'A code entered on the cart, and whether it applies now.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'As kept: trimmed and upper-case.' }),
    applicable: t.exposeBoolean('applicable'),
    reason: t.field({
      type: DiscountCodeReason,
      nullable: true,
      description: 'null when the code applies.',
      resolve: (outcome) => outcome.reason,
    }),
  }),
})

interface AppliedPromotionValue {
  id: string
  name: string
  code: string | null
}

const AppliedPromotion = builder.objectRef<AppliedPromotionValue>('AppliedPromotion').implement({
  description: 'A promotion as a shopper sees it on their cart: its name, and the code that brought it.',
  fields: (t) => ({
    id: t.globalID({ resolve: (promotion) => ({ type: 'Promotion', id: promotion.id }) }),
    name: t.exposeString('name'),
    code: t.string({
      nullable: true,
      description: 'null for an automatic promotion.',
      resolve: (promotion) => promotion.code,
    }),
  }),
})

interface DiscountAllocationValue {
  amountMinor: number
  currencyCode: string
  promotion: AppliedPromotionValue
}

const DiscountAllocation = builder.objectRef<DiscountAllocationValue>('DiscountAllocation').implement({
  description: 'What one promotion takes off one line.',
  fields: (t) => ({
    amount: t.field({
      type: Money,
      resolve: (allocation) => ({ amountMinor: allocation.amountMinor, currencyCode: allocation.currencyCode }),
    }),
    promotion: t.field({ type: AppliedPromotion, resolve: (allocation) => allocation.promotion }),
  }),
})

/** Each line's allocations, with the promotions' shopper-facing names and the codes that brought them. */
async function allocationsOf(
  context: Parameters<typeof cartPricingOf>[0],
  cart: CartView,
  variantId: string,
): Promise<DiscountAllocationValue[]> {
  const { pricing, promotions } = await cartPricingOf(context, cart)
  const line = pricing.lines.find((priced) => priced.key === variantId)
  const currencyCode = cartCurrencyCode(cart)
  return (line?.allocations ?? []).map((allocation) => ({
    amountMinor: allocation.amountMinor,
    currencyCode,
    promotion: {
      id: allocation.promotionId,
      name: promotions.find((promotion) => promotion.id === allocation.promotionId)?.name ?? '',
      code: pricing.applied.find((applied) => applied.promotionId === allocation.promotionId)?.code ?? null,
    },
  }))
}

builder.objectField(CartLine, 'discountAllocations', (t) =>
  t.field({
    type: [DiscountAllocation],
    description: 'What each promotion takes off this line, computed when the cart is read.',
    resolve: (line, _args, context) => allocationsOf(context, line.cart, line.variant_id),
  }),
)

builder.objectFields(Cart, (t) => ({
  discountCodes: t.field({
    type: [CartDiscountCode],
    description: 'The codes entered, in that order, each with whether it applies to the cart as it stands now.',
    resolve: async (cart, _args, context) => (await cartPricingOf(context, cart)).pricing.codes,
  }),
  discountTotal: t.field({
    type: Money,
    description: 'What the promotions (automatic ones and codes) take off the subtotal.',
    resolve: (cart, _args, context) => pricedMoney(context, cart, (pricing) => pricing.discountMinor),
  }),
}))

const CartDiscountCodesUpdateInput = builder.inputType('CartDiscountCodesUpdateInput', {
  fields: (t) => ({
    cartId: t.globalID({ required: true, for: Cart }),
    codes: t.stringList({
      required: true,
      description: 'Replaces the cart’s codes; [] removes them all. At most 5, each up to 64 characters.',
      validate: z.array(z.string()).max(100),
    }),
    channel: t.field({ type: Channel, description: CHANNEL_INPUT }),
  }),
})

builder.mutationFields((t) => ({
  cartDiscountCodesUpdate: t.field({
    type: cartPayload('CartDiscountCodesUpdatePayload'),
    description:
      'Unknown codes are kept and shown as not applicable; more than ten in 15 minutes on one cart are refused.',
    args: { input: t.arg({ type: CartDiscountCodesUpdateInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        cart: await updateDiscountCodes(context.db, context.attempts, {
          cartId: input.cartId.id,
          credentials: cartCredentials(context),
          ...writeOriginOf(context.origin, input.channel),
          codes: input.codes,
          now: context.now,
        }),
      })),
  }),
}))
