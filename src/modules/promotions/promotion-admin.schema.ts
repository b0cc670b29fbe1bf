import { GraphQLError } from 'graphql'
import { z } from 'zod'
import { canManageStore } from '../../auth/viewer.js'
import type { PromotionRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { auditAuthorOf } from '../../graphql/viewer-actor.js'
import { Channel } from '../carts/cart.schema.js'
import { Category, Product, Variant } from '../catalog/catalog.schema.js'
import { currencyCodeInput } from '../catalog/variant-input.schema.js'
import { MAX_MONEY_MINOR } from '../shared/money.js'
import { Money } from '../shared/money.schema.js'
import { Store } from '../stores/store.schema.js'
import type { PromotionTarget, PromotionValue } from './promotion.js'
import * as promotions from './promotion-admin.service.js'
import type { PromotionDraft } from './promotion-draft.js'

/** Admins manage every promotion; a manager those valid only in stores they manage. */
function mayManage(context: GraphQLContext, storeIds: readonly string[]): boolean {
  const viewer = context.viewer
  if (viewer.kind === 'staff' && viewer.role === 'ADMIN') return true
  return storeIds.length > 0 && storeIds.every((storeId) => canManageStore(viewer, storeId))
}

const forbidden = () =>
  new GraphQLError('Managers may only manage promotions valid in their own stores.', {
    extensions: { code: 'FORBIDDEN' },
  })

const ValueInput = builder.inputType('PromotionValueInput', {
  description: 'Exactly one of the two.',
  fields: (t) => ({
    percentage: t.float({
      description: 'Percent off, e.g. 15 or 12.5; at most 2 decimals, at most 100.',
      validate: z
        .number()
        .gt(0)
        .max(100)
        .refine((value) => Number.isInteger(Math.round(value * 100 * 1e6) / 1e6), 'percentage has at most 2 decimals'),
    }),
    fixedAmount: t.int({
      description: 'Tax-inclusive, in minor units of the promotion’s currencyCode.',
      validate: z.number().int().min(1).max(MAX_MONEY_MINOR),
    }),
  }),
})

const TargetInput = builder.inputType('PromotionTargetInput', {
  description: 'Exactly one: the whole order, or these categories (with their subcategories), products or variants.',
  fields: (t) => ({
    order: t.boolean(),
    categoryIds: t.globalIDList({ for: Category }),
    productIds: t.globalIDList({ for: Product }),
    variantIds: t.globalIDList({ for: Variant }),
  }),
})

const BuyXGetYInput = builder.inputType('PromotionBuyXGetYInput', {
  description:
    'For every buyQuantity targeted units, the next getQuantity (the cheapest) get the value off: 100% makes them free.',
  fields: (t) => ({
    buyQuantity: t.int({ required: true, validate: z.number().int().min(1).max(99) }),
    getQuantity: t.int({ required: true, validate: z.number().int().min(1).max(99) }),
  }),
})

const PromotionKind = builder.enumType('PromotionKind', { values: ['AUTOMATIC', 'CODE'] as const })

type Fields = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0]

function promotionFields(t: Fields, required: boolean) {
  return {
    name: t.string({ required, validate: z.string().min(1).max(200) }),
    codes: t.stringList({ description: 'CODE promotions: compared ignoring case and surrounding spaces.' }),
    value: t.field({ type: ValueInput, required }),
    target: t.field({ type: TargetInput, required }),
    buyXGetY: t.field({ type: BuyXGetYInput }),
    currencyCode: t.string({
      description: 'Required with a fixed amount or a minimum subtotal.',
      validate: currencyCodeInput,
    }),
    minSubtotal: t.int({
      description: 'In minor units, before discounts.',
      validate: z.number().int().min(0).max(MAX_MONEY_MINOR),
    }),
    minQuantity: t.int({ description: 'Of targeted units.', validate: z.number().int().min(1).max(9999) }),
    startsAt: t.field({ type: 'DateTime' }),
    endsAt: t.field({ type: 'DateTime', description: 'The first instant it no longer applies.' }),
    channels: t.field({ type: [Channel], description: 'None: every channel.' }),
    storeIds: t.globalIDList({ for: Store, description: 'None: every store (admins only).' }),
    usageLimit: t.int({ validate: z.number().int().min(0).max(100_000_000) }),
    usageLimitPerCustomer: t.int({ validate: z.number().int().min(1).max(100_000_000) }),
    combinesWithOthers: t.boolean({ description: 'Default true.' }),
    priority: t.int({
      description: 'Higher first when promotions do not combine. Default 0.',
      validate: z.number().int().min(-1000).max(1000),
    }),
  }
}

const PromotionCreateInput = builder.inputType('PromotionCreateInput', {
  fields: (t) => ({ kind: t.field({ type: PromotionKind, required: true }), ...promotionFields(t, true) }),
})

const PromotionUpdateInput = builder.inputType('PromotionUpdateInput', {
  description: 'Only the fields given change.',
  fields: (t) => ({ id: t.globalID({ required: true, for: Promotion }), ...promotionFields(t, false) }),
})

interface ValueArg {
  percentage?: number | null
  fixedAmount?: number | null
}
interface TargetArg {
  order?: boolean | null
  categoryIds?: { id: string }[] | null
  productIds?: { id: string }[] | null
  variantIds?: { id: string }[] | null
}

function promotionValueOf(input: ValueArg): PromotionValue {
  const { percentage, fixedAmount } = input
  if ((percentage == null) === (fixedAmount == null))
    throw badInput('value takes exactly one of percentage and fixedAmount.')
  return percentage != null
    ? { type: 'PERCENTAGE', basisPoints: Math.round(percentage * 100) }
    : { type: 'FIXED_AMOUNT', amountMinor: fixedAmount ?? 0 }
}

function targetOf(input: TargetArg): PromotionTarget {
  const given = [input.order ? 'order' : null, input.categoryIds, input.productIds, input.variantIds].filter(
    (field) => field != null,
  )
  if (given.length !== 1) throw badInput('target takes exactly one of order, categoryIds, productIds and variantIds.')
  const ids = (list: { id: string }[]) => [...new Set(list.map((id) => id.id))]
  if (input.categoryIds) return { type: 'CATEGORIES', ids: ids(input.categoryIds) }
  if (input.productIds) return { type: 'PRODUCTS', ids: ids(input.productIds) }
  if (input.variantIds) return { type: 'VARIANTS', ids: ids(input.variantIds) }
  return { type: 'ORDER' }
}

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } })

type FieldsArg = {
  name?: string | null
  codes?: string[] | null
  value?: ValueArg | null
  target?: TargetArg | null
  buyXGetY?: { buyQuantity: number; getQuantity: number } | null
  currencyCode?: string | null
  minSubtotal?: number | null
  minQuantity?: number | null
  startsAt?: Date | null
  endsAt?: Date | null
  channels?: PromotionDraft['channels'] | null
  storeIds?: { id: string }[] | null
  usageLimit?: number | null
  usageLimitPerCustomer?: number | null
  combinesWithOthers?: boolean | null
  priority?: number | null
}

/** The draft fields the input names; absent or null fields are left out (an update keeps them). */
/**
 * The fields given, as changes: an optional field given as null is cleared (no minimum, no end,
 * no limit…), one left out stays as it was. A required field given as null changes nothing.
 */
function changesOf(input: FieldsArg): Partial<PromotionDraft> {
  const present = <T>(value: T | null | undefined) => value ?? undefined
  return {
    name: present(input.name),
    codes: present(input.codes),
    value: input.value ? promotionValueOf(input.value) : undefined,
    target: input.target ? targetOf(input.target) : undefined,
    buyXGetY: input.buyXGetY,
    currencyCode: input.currencyCode,
    minSubtotalMinor: input.minSubtotal,
    minQuantity: input.minQuantity,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    channels: input.channels ? [...new Set(input.channels)] : undefined,
    storeIds: input.storeIds ? [...new Set(input.storeIds.map((id) => id.id))] : undefined,
    usageLimit: input.usageLimit,
    usageLimitPerCustomer: input.usageLimitPerCustomer,
    combinesWithOthers: present(input.combinesWithOthers),
    priority: present(input.priority),
  }
}

const PromotionValueObject = builder.objectRef<PromotionRow>('PromotionValue').implement({
  fields: (t) => ({
    percentage: t.float({
      nullable: true,
      resolve: (row) => (row.value_type === 'PERCENTAGE' ? row.value_amount / 100 : null),
    }),
    fixedAmount: t.field({
      type: Money,
      nullable: true,
      resolve: (row) =>
        row.value_type === 'FIXED_AMOUNT'
          ? { amountMinor: row.value_amount, currencyCode: row.currency_code ?? '' }
          : null,
    }),
  }),
})

export const Promotion = builder.loadableNode('Promotion', {
  description: 'An automatic promotion or a discount code, as the back office manages it.',
  id: { resolve: (row: PromotionRow) => row.id },
  load: (ids: string[], context) => promotions.findPromotionsByIds(context.db, ids),
  sort: (row) => row.id,
  authScopes: (row) =>
    row.store_ids.length > 0 ? { $any: { admin: true, managerOfStore: row.store_ids[0] ?? '' } } : { admin: true },
  fields: (t) => ({
    name: t.exposeString('name'),
    kind: t.field({ type: PromotionKind, resolve: (row) => row.kind }),
    codes: t.loadableList({
      type: 'String',
      load: async (ids: string[], context) => {
        const byPromotion = await promotions.codesOfPromotions(context.db, ids)
        return ids.map((id) => byPromotion.get(id) ?? [])
      },
      resolve: (row) => row.id,
    }),
    value: t.field({ type: PromotionValueObject, resolve: (row) => row }),
    targetType: t.exposeString('target_type'),
    targetIds: t.globalIDList({
      description: 'The targeted categories, products or variants; empty for the whole order.',
      resolve: (row) => {
        const type = { ORDER: 'Order', CATEGORIES: 'Category', PRODUCTS: 'Product', VARIANTS: 'Variant' }[
          row.target_type
        ]
        return row.target_ids.map((id) => ({ type, id }))
      },
    }),
    buyQuantity: t.exposeInt('buy_quantity', { nullable: true }),
    getQuantity: t.exposeInt('get_quantity', { nullable: true }),
    minSubtotal: t.field({
      type: Money,
      nullable: true,
      resolve: (row) =>
        row.min_subtotal_minor === null
          ? null
          : { amountMinor: row.min_subtotal_minor, currencyCode: row.currency_code ?? '' },
    }),
    minQuantity: t.exposeInt('min_quantity', { nullable: true }),
    startsAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (row) => (row.starts_at === null ? null : new Date(row.starts_at)),
    }),
    endsAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (row) => (row.ends_at === null ? null : new Date(row.ends_at)),
    }),
    channels: t.field({ type: [Channel], resolve: (row) => row.channels }),
    stores: t.field({ type: [Store], resolve: (row) => row.store_ids }),
    usageLimit: t.exposeInt('usage_limit', { nullable: true }),
    usageLimitPerCustomer: t.exposeInt('usage_limit_per_customer', { nullable: true }),
    timesUsed: t.loadable({
      type: 'Int',
      description: 'Uses by orders not given back (cancelled or expired orders give theirs back).',
      load: async (ids: string[], context) => {
        const uses = await promotions.liveUsesOfPromotions(context.db, ids)
        return ids.map((id) => uses.get(id) ?? 0)
      },
      resolve: (row) => row.id,
    }),
    combinesWithOthers: t.exposeBoolean('combines_with_others'),
    priority: t.exposeInt('priority'),
    archivedAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (row) => (row.archived_at === null ? null : new Date(row.archived_at)),
    }),
  }),
})

const PromotionPayload = builder.objectRef<Payload<promotions.SavedPromotion>>('PromotionPayload').implement({
  fields: (t) => ({
    promotion: t.field({ type: Promotion, nullable: true, resolve: (p) => p.promotion ?? null }),
    userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
  }),
})

const PromotionArchiveInput = builder.inputType('PromotionArchiveInput', {
  fields: (t) => ({ id: t.globalID({ required: true, for: Promotion }) }),
})

async function storesOfPromotion(context: GraphQLContext, id: string): Promise<string[] | null> {
  const [row] = await promotions.findPromotionsByIds(context.db, [id])
  return row ? row.store_ids : null
}

const staffOnly = { $any: { admin: true, manager: true } } as const

builder.mutationFields((t) => ({
  promotionCreate: t.field({
    type: PromotionPayload,
    description: 'Admins create any promotion; managers only ones valid in stores they manage.',
    args: { input: t.arg({ type: PromotionCreateInput, required: true }) },
    authScopes: staffOnly,
    resolve: (_root, { input }, context) => {
      const changes = changesOf(input)
      const storeIds = changes.storeIds ?? []
      if (!mayManage(context, storeIds)) throw forbidden()
      const { name, value, target } = changes
      // Required in the schema, so GraphQL has refused the request before this when one is missing.
      if (name === undefined || value === undefined || target === undefined)
        throw badInput('name, value and target are required.')
      const draft: PromotionDraft = {
        name,
        kind: input.kind,
        codes: changes.codes ?? [],
        value,
        currencyCode: changes.currencyCode ?? null,
        target,
        buyXGetY: changes.buyXGetY ?? null,
        minSubtotalMinor: changes.minSubtotalMinor ?? null,
        minQuantity: changes.minQuantity ?? null,
        startsAt: changes.startsAt ?? null,
        endsAt: changes.endsAt ?? null,
        channels: changes.channels ?? [],
        storeIds,
        usageLimit: changes.usageLimit ?? null,
        usageLimitPerCustomer: changes.usageLimitPerCustomer ?? null,
        combinesWithOthers: changes.combinesWithOthers ?? true,
        priority: changes.priority ?? 0,
      }
      return withUserErrors(() => promotions.createPromotion(context.db, { draft, author: auditAuthorOf(context) }))
    },
  }),
  promotionUpdate: t.field({
    type: PromotionPayload,
    description: 'Changes the fields given; a manager only a promotion valid in their stores, and keeps it so.',
    args: { input: t.arg({ type: PromotionUpdateInput, required: true }) },
    authScopes: staffOnly,
    resolve: async (_root, { input }, context) => {
      const changes = changesOf(input)
      const payload = await withUserErrors(() =>
        promotions.updatePromotion(context.db, {
          id: input.id.id,
          changes,
          author: auditAuthorOf(context),
          now: context.now,
          mayChange: (before, after) => mayManage(context, before.storeIds) && mayManage(context, after.storeIds),
        }),
      )
      if ('forbidden' in payload) throw forbidden()
      return payload
    },
  }),
  promotionArchive: t.field({
    type: PromotionPayload,
    description: 'Stops a promotion applying; orders that used it keep what they were given.',
    args: { input: t.arg({ type: PromotionArchiveInput, required: true }) },
    authScopes: staffOnly,
    resolve: async (_root, { input }, context) => {
      const storeIds = await storesOfPromotion(context, input.id.id)
      if (storeIds !== null && !mayManage(context, storeIds)) throw forbidden()
      return withUserErrors(() =>
        promotions.archivePromotion(context.db, { id: input.id.id, author: auditAuthorOf(context), now: context.now }),
      )
    },
  }),
}))
