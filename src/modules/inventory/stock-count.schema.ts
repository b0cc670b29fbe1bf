import { z } from 'zod'
import type { StockCountLineRow, StockCountRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { auditAuthorOf } from '../../graphql/viewer-actor.js'
import { Category, Variant } from '../catalog/catalog.schema.js'
import { Staff } from '../staff/staff.schema.js'
import { Store } from '../stores/store.schema.js'
import { applyCount } from './count-apply.service.js'
import { MAX_ON_HAND } from './inventory.js'
import { findCountLines, findCountStore, findCountsByIds, openCount, recordCount } from './stock-count.service.js'
import { StockMovement } from './stock-ledger.schema.js'

const StockCountStatus = builder.enumType('StockCountStatus', { values: ['OPEN', 'APPLIED'] as const })

const StockCountLine = builder.objectRef<StockCountLineRow>('StockCountLine').implement({
  fields: (t) => ({
    variant: t.field({ type: Variant, resolve: (line) => line.variant_id }),
    expected: t.exposeInt('expected', {
      description: 'On hand when the sheet was opened, or when the line was last recorded.',
    }),
    counted: t.exposeInt('counted', { nullable: true, description: 'Null until recorded.' }),
    variance: t.int({
      nullable: true,
      description: 'counted − expected: what applying the count would book as COUNT_CORRECTION.',
      resolve: (line) => (line.counted === null ? null : line.counted - line.expected),
    }),
    recordedBy: t.field({ type: Staff, nullable: true, resolve: (line) => line.recorded_by }),
    recordedAt: t.field({ type: 'DateTime', nullable: true, resolve: (line) => line.recorded_at }),
  }),
})

export const StockCount = builder.loadableNode('StockCount', {
  description: 'A count sheet for a store (or one category there): counted quantities in, variances out.',
  id: { resolve: (count: StockCountRow) => count.id },
  load: (ids: string[], context) => findCountsByIds(context.db, ids),
  sort: (count) => count.id,
  authScopes: (count) => ({ staffOfStore: count.store_id }),
  fields: (t) => ({
    store: t.field({ type: Store, resolve: (count) => count.store_id }),
    category: t.field({ type: Category, nullable: true, resolve: (count) => count.category_id }),
    status: t.field({ type: StockCountStatus, resolve: (count) => count.status }),
    openedBy: t.field({ type: Staff, nullable: true, resolve: (count) => count.opened_by }),
    openedAt: t.field({ type: 'DateTime', resolve: (count) => count.opened_at }),
    appliedBy: t.field({ type: Staff, nullable: true, resolve: (count) => count.applied_by }),
    appliedAt: t.field({ type: 'DateTime', nullable: true, resolve: (count) => count.applied_at }),
    lines: t.loadableList({
      type: StockCountLine,
      description: 'In variant order.',
      load: async (ids: string[], context) => {
        const lines = await findCountLines(context.db, ids)
        return ids.map((id) => lines.filter((line) => line.count_id === id))
      },
      resolve: (count) => count.id,
    }),
  }),
})

builder.objectFields(StockMovement, (t) => ({
  count: t.field({
    type: StockCount,
    nullable: true,
    description: 'The count that corrected the stock, for COUNT_CORRECTION rows.',
    resolve: (movement) => movement.count_id,
  }),
}))

const StockCountPayload = builder.objectRef<Payload<{ count: StockCountRow }>>('StockCountPayload').implement({
  fields: (t) => ({
    count: t.field({ type: StockCount, nullable: true, resolve: (payload) => payload.count ?? null }),
    userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
  }),
})

const StockCountOpenInput = builder.inputType('StockCountOpenInput', {
  fields: (t) => ({
    storeId: t.globalID({ required: true, for: Store }),
    categoryId: t.globalID({ for: Category, description: 'Count only this category and its sub-categories.' }),
  }),
})

const StockCountLineInput = builder.inputType('StockCountLineInput', {
  fields: (t) => ({
    variantId: t.globalID({ required: true, for: Variant }),
    counted: t.int({ required: true, validate: z.number().int().min(0).max(MAX_ON_HAND) }),
  }),
})

const StockCountRecordInput = builder.inputType('StockCountRecordInput', {
  fields: (t) => ({
    countId: t.globalID({ required: true, for: StockCount }),
    lines: t.field({ type: [StockCountLineInput], required: true, validate: z.array(z.unknown()).min(1).max(500) }),
  }),
})

const StockCountApplyInput = builder.inputType('StockCountApplyInput', {
  fields: (t) => ({ countId: t.globalID({ required: true, for: StockCount }) }),
})

/** Staff of the count's store (or its managers); an unknown count is left to the service to answer UNKNOWN_COUNT. */
async function countScopes(context: GraphQLContext, countId: string, who: 'staffOfStore' | 'managerOfStore') {
  const storeId = await findCountStore(context.db, countId)
  return storeId ? { [who]: storeId } : { staff: true }
}

builder.mutationFields((t) => ({
  stockCountOpen: t.field({
    type: StockCountPayload,
    description: 'Staff of the store: open a count sheet for the store, or one category and its sub-categories.',
    args: { input: t.arg({ type: StockCountOpenInput, required: true }) },
    authScopes: (_root, args) => ({ staffOfStore: args.input.storeId.id }),
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        count: await openCount(context.db, {
          storeId: input.storeId.id,
          categoryId: input.categoryId?.id ?? null,
          author: auditAuthorOf(context),
        }),
      })),
  }),
  stockCountRecord: t.field({
    type: StockCountPayload,
    description:
      'Staff of the store: record counted quantities; recording a line again replaces it and refreshes its snapshot.',
    args: { input: t.arg({ type: StockCountRecordInput, required: true }) },
    authScopes: (_root, args, context) => countScopes(context, args.input.countId.id, 'staffOfStore'),
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        count: await recordCount(context.db, {
          countId: input.countId.id,
          lines: input.lines.map((line) => ({ variantId: line.variantId.id, counted: line.counted })),
          author: auditAuthorOf(context),
        }),
      })),
  }),
  stockCountApply: t.field({
    type: StockCountPayload,
    description:
      'Managers of the store: book the variances as COUNT_CORRECTION, all in one go, unless stock moved since a line was recorded.',
    args: { input: t.arg({ type: StockCountApplyInput, required: true }) },
    authScopes: (_root, args, context) => countScopes(context, args.input.countId.id, 'managerOfStore'),
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        count: await applyCount(context.db, { countId: input.countId.id, author: auditAuthorOf(context) }),
      })),
  }),
}))
