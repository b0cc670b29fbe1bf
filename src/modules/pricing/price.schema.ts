import { z } from 'zod'
import { storeOfViewer } from '../../auth/viewer.js'
import type { Channel as ChannelValue, PriceOverrideRow, VariantRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { notFound } from '../../graphql/errors.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { auditAuthorOf } from '../../graphql/viewer-actor.js'
import { Channel } from '../carts/cart.schema.js'
import { Product, Variant } from '../catalog/catalog.schema.js'
import { includedTaxMinor, MAX_MONEY_MINOR } from '../shared/money.js'
import { Money } from '../shared/money.schema.js'
import { Store } from '../stores/store.schema.js'
import type { PriceContext } from './price.js'
import * as pricing from './price.service.js'

/** An override is the business of whoever may set it: its store's manager, or an admin. */
const overrideScopes = (override: Pick<PriceOverrideRow, 'store_id'>) =>
  override.store_id ? { managerOfStore: override.store_id } : { admin: true }

export const PriceOverride = builder.loadableNode('PriceOverride', {
  description: "A price that replaces a variant's base price for a store, a channel or both, maybe only for a while.",
  id: { resolve: (override: PriceOverrideRow) => override.id },
  load: (ids: string[], context) => pricing.findOverridesByIds(context.db, ids),
  sort: (override) => override.id,
  authScopes: overrideScopes,
  fields: (t) => ({
    variant: t.field({ type: Variant, resolve: (override) => override.variant_id }),
    store: t.field({ type: Store, nullable: true, resolve: (override) => override.store_id }),
    channel: t.field({ type: Channel, nullable: true, resolve: (override) => override.channel }),
    amountMinor: t.exposeInt('amount_minor', { description: 'In the currency of the variant, in minor units.' }),
    startsAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (override) => (override.starts_at === null ? null : new Date(override.starts_at)),
    }),
    endsAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'The first instant it no longer applies.',
      resolve: (override) => (override.ends_at === null ? null : new Date(override.ends_at)),
    }),
  }),
})

const PRICE_ARGS_DESCRIPTION =
  'Priced for this store and channel; without a channel, the caller’s (POS for a terminal, else WEB), and without a store, a terminal’s own store or none.'

/** The context a catalog read prices for: the arguments, else what the caller is. */
function priceContextOf(
  context: GraphQLContext,
  args: { storeId?: { id: string } | null; channel?: ChannelValue | null },
): PriceContext {
  const terminal = context.viewer.kind === 'terminal'
  return {
    storeId: args.storeId?.id ?? (terminal ? storeOfViewer(context.viewer) : null),
    channel: args.channel ?? (terminal ? 'POS' : 'WEB'),
    at: context.now,
  }
}

async function pricesFor(variantIds: string[], context: GraphQLContext, priceContext: PriceContext) {
  const { storeFound, prices } = await pricing.resolvePrices(context.db, variantIds, priceContext)
  if (!storeFound) throw notFound('Store', priceContext.storeId ?? '')
  return prices
}

/** Each variant's unit price in the context, as Money, through `share` (the price or its tax). */
async function moneyOf(
  variants: VariantRow[],
  context: GraphQLContext,
  priceContext: PriceContext,
  share: (priceMinor: number, variant: VariantRow) => number,
) {
  const prices = await pricesFor(
    variants.map((variant) => variant.id),
    context,
    priceContext,
  )
  return variants.map((variant) => {
    const price = prices.get(variant.id)
    if (!price) throw new Error(`the price rule answered nothing for variant ${variant.id}`)
    return { amountMinor: share(price.amountMinor, variant), currencyCode: variant.currency_code }
  })
}

builder.objectFields(Variant, (t) => ({
  price: t.loadable({
    type: Money,
    description: `Tax-inclusive unit price. ${PRICE_ARGS_DESCRIPTION}`,
    byPath: true,
    args: { storeId: t.arg.globalID({ for: Store }), channel: t.arg({ type: Channel }) },
    load: (variants: VariantRow[], context, args) =>
      moneyOf(variants, context, priceContextOf(context, args), (priceMinor) => priceMinor),
    resolve: (variant: VariantRow) => variant,
  }),
  taxAmount: t.loadable({
    type: Money,
    description: `The tax contained in the unit price. ${PRICE_ARGS_DESCRIPTION}`,
    byPath: true,
    args: { storeId: t.arg.globalID({ for: Store }), channel: t.arg({ type: Channel }) },
    load: (variants: VariantRow[], context, args) =>
      moneyOf(variants, context, priceContextOf(context, args), (priceMinor, variant) =>
        includedTaxMinor(priceMinor, variant.tax_rate_bp),
      ),
    resolve: (variant: VariantRow) => variant,
  }),
  priceOverrides: t.loadableList({
    type: PriceOverride,
    description: 'Every override of this variant, in force or not, oldest first.',
    authScopes: { admin: true },
    load: async (variantIds: string[], context) => {
      const byVariant = await pricing.findOverridesOfVariants(context.db, variantIds)
      return variantIds.map((id) => byVariant.get(id) ?? [])
    },
    resolve: (variant: VariantRow) => variant.id,
  }),
}))

const PriceRange = builder.objectRef<pricing.PriceRange>('ProductPriceRange').implement({
  fields: (t) => ({
    min: t.field({
      type: Money,
      resolve: (range) => ({ amountMinor: range.minMinor, currencyCode: range.currencyCode }),
    }),
    max: t.field({
      type: Money,
      resolve: (range) => ({ amountMinor: range.maxMinor, currencyCode: range.currencyCode }),
    }),
  }),
})

builder.objectFields(Product, (t) => ({
  priceRange: t.loadable({
    type: PriceRange,
    nullable: true,
    description: `The lowest and highest price of its variants on sale; null when none is. ${PRICE_ARGS_DESCRIPTION}`,
    byPath: true,
    args: { storeId: t.arg.globalID({ for: Store }), channel: t.arg({ type: Channel }) },
    load: async (productIds: string[], context, args) => {
      const priceContext = priceContextOf(context, args)
      const { storeFound, ranges } = await pricing.findPriceRanges(context.db, productIds, priceContext)
      if (!storeFound) throw notFound('Store', priceContext.storeId ?? '')
      return productIds.map((id) => ranges.get(id) ?? null)
    },
    resolve: (product) => product.id,
  }),
}))

const PriceSetInput = builder.inputType('PriceSetInput', {
  description:
    'Neither channel nor store: the base price (admins). A channel only: admins. A store, with or without a channel: its manager or an admin. The same scope and window again changes that override’s amount.',
  fields: (t) => ({
    variantId: t.globalID({ required: true, for: Variant }),
    amount: t.int({
      required: true,
      description: 'Tax-inclusive, in minor units of the variant’s currency (1290 = 12.90 EUR).',
      validate: z.number().int().min(0).max(MAX_MONEY_MINOR),
    }),
    channel: t.field({ type: Channel }),
    storeId: t.globalID({ for: Store }),
    startsAt: t.field({ type: 'DateTime', description: 'From this instant; none: already.' }),
    endsAt: t.field({ type: 'DateTime', description: 'Until just before this instant; none: until removed.' }),
  }),
})

const PriceSetPayload = builder
  .objectRef<Payload<{ variantId: string; override: PriceOverrideRow | null }>>('PriceSetPayload')
  .implement({
    fields: (t) => ({
      variant: t.field({ type: Variant, nullable: true, resolve: (p) => p.variantId ?? null }),
      price: t.field({
        type: PriceOverride,
        nullable: true,
        description: 'The override set; null for a base price.',
        resolve: (p) => p.override ?? null,
      }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })

const PriceRemoveInput = builder.inputType('PriceRemoveInput', {
  fields: (t) => ({ priceId: t.globalID({ required: true, for: PriceOverride }) }),
})

const PriceRemovePayload = builder
  .objectRef<Payload<{ variantId: string; priceId: string }>>('PriceRemovePayload')
  .implement({
    fields: (t) => ({
      variant: t.field({ type: Variant, nullable: true, resolve: (p) => p.variantId ?? null }),
      removedPriceId: t.globalID({
        nullable: true,
        resolve: (p) => (p.priceId ? { type: 'PriceOverride', id: p.priceId } : null),
      }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })

builder.mutationFields((t) => ({
  priceSet: t.field({
    type: PriceSetPayload,
    description: 'Sets a base price or an override (see PriceSetInput for who may set which).',
    args: { input: t.arg({ type: PriceSetInput, required: true }) },
    authScopes: (_root, args) => (args.input.storeId ? { managerOfStore: args.input.storeId.id } : { admin: true }),
    resolve: (_root, { input }, context) =>
      withUserErrors(() =>
        pricing.setPrice(context.db, {
          variantId: input.variantId.id,
          amountMinor: input.amount,
          storeId: input.storeId?.id ?? null,
          channel: input.channel ?? null,
          startsAt: input.startsAt ?? null,
          endsAt: input.endsAt ?? null,
          author: auditAuthorOf(context),
        }),
      ),
  }),
  priceRemove: t.field({
    type: PriceRemovePayload,
    description: 'Removes an override: its store’s manager or an admin; admins only for a channel-only one.',
    args: { input: t.arg({ type: PriceRemoveInput, required: true }) },
    authScopes: async (_root, args, context) => {
      const [override] = await pricing.findOverridesByIds(context.db, [args.input.priceId.id])
      // None: any manager or admin may learn that it does not exist (UNKNOWN_PRICE).
      return override ? overrideScopes(override) : { managerOfStore: storeOfViewer(context.viewer) ?? '' }
    },
    resolve: (_root, { input }, context) =>
      withUserErrors(() =>
        pricing.removePrice(context.db, { priceId: input.priceId.id, author: auditAuthorOf(context) }),
      ),
  }),
}))
