import { z } from 'zod'
import type { InventoryLevelRow, VariantRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { notFound } from '../../graphql/errors.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { auditAuthorOf } from '../../graphql/viewer-actor.js'
import { Variant } from '../catalog/catalog.schema.js'
import { GeoPointInput, Store } from '../stores/store.schema.js'
import { findStore, findStoresPage } from '../stores/store.service.js'
import { CartLineInput } from './cart-line-input.schema.js'
import { type Availability as AvailabilityValue, availabilityOf, availableQuantity, levelKey } from './inventory.js'
import * as inventoryService from './inventory.service.js'
import { correctStock, receiveDelivery } from './stock-change.service.js'

const StockStatus = builder.enumType('StockStatus', { values: ['IN_STOCK', 'LOW_STOCK', 'OUT_OF_STOCK'] as const })

const Availability = builder.objectRef<AvailabilityValue>('Availability').implement({
  fields: (t) => ({
    available: t.exposeInt('available', { description: 'Units a shopper can order for pickup now.' }),
    status: t.field({ type: StockStatus, resolve: (availability) => availability.status }),
  }),
})

type StoreAvailabilityValue = AvailabilityValue & { store: Awaited<ReturnType<typeof findStoresPage>>[number] }

const StoreAvailability = builder.objectRef<StoreAvailabilityValue>('StoreAvailability').implement({
  fields: (t) => ({
    store: t.field({ type: Store, resolve: (entry) => entry.store }),
    distanceKm: t.float({ nullable: true, resolve: (entry) => entry.store.distanceKm }),
    available: t.exposeInt('available'),
    status: t.field({ type: StockStatus, resolve: (entry) => entry.status }),
  }),
})

builder.objectFields(Variant, (t) => ({
  availability: t.loadable({
    type: Availability,
    description: 'Stock a shopper can order for pickup in this store.',
    byPath: true,
    args: { storeId: t.arg.globalID({ required: true, for: Store }) },
    load: async (variantIds: string[], context, args) => {
      const storeId = args.storeId.id
      const [store, available] = await Promise.all([
        findStore(context.db, storeId),
        inventoryService.findAvailableQuantities(context.db, [storeId], variantIds),
      ])
      if (!store) throw notFound('Store', storeId)
      return variantIds.map((id) =>
        availabilityOf(available.get(levelKey(storeId, id)) ?? 0, store.low_stock_threshold),
      )
    },
    resolve: (variant: VariantRow) => variant.id,
  }),
  availabilityNear: t.loadableList({
    type: StoreAvailability,
    description: 'The nearest stores and what each has of this variant.',
    byPath: true,
    args: {
      near: t.arg({ type: GeoPointInput, required: true }),
      first: t.arg.int({ defaultValue: 5, validate: z.number().int().min(1).max(50) }),
    },
    load: async (variantIds: string[], context, args) => {
      const stores = await findStoresPage(context.db, {
        near: args.near,
        radiusKm: null,
        availableFor: null,
        limit: args.first ?? 5,
        offset: 0,
      })
      const available = await inventoryService.findAvailableQuantities(
        context.db,
        stores.map((store) => store.id),
        variantIds,
      )
      return variantIds.map((variantId) =>
        stores.map((store) => ({
          store,
          ...availabilityOf(available.get(levelKey(store.id, variantId)) ?? 0, store.low_stock_threshold),
        })),
      )
    },
    resolve: (variant: VariantRow) => variant.id,
  }),
}))

export const InventoryLevel = builder.objectRef<InventoryLevelRow>('InventoryLevel').implement({
  description: 'Stock of one variant in one store. available = onHand − reserved − safetyStock.',
  fields: (t) => ({
    store: t.field({ type: Store, resolve: (level) => level.store_id }),
    variant: t.field({ type: Variant, resolve: (level) => level.variant_id }),
    onHand: t.exposeInt('on_hand'),
    reserved: t.exposeInt('reserved'),
    safetyStock: t.exposeInt('safety_stock'),
    available: t.int({ resolve: (level) => availableQuantity(level) }),
    updatedAt: t.field({ type: 'DateTime', resolve: (level) => level.updated_at }),
  }),
})

const AdjustmentReason = builder.enumType('InventoryAdjustmentReason', {
  values: ['COUNT_CORRECTION', 'DAMAGED', 'LOST', 'FOUND', 'RETURNED_TO_SUPPLIER'] as const,
})

const InventoryReceivePayload = builder
  .objectRef<Payload<{ levels: InventoryLevelRow[] }>>('InventoryReceivePayload')
  .implement({
    fields: (t) => ({
      levels: t.field({ type: [InventoryLevel], resolve: (payload) => payload.levels ?? [] }),
      userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
    }),
  })

const InventoryAdjustPayload = builder
  .objectRef<Payload<{ level: InventoryLevelRow }>>('InventoryAdjustPayload')
  .implement({
    fields: (t) => ({
      level: t.field({ type: InventoryLevel, nullable: true, resolve: (payload) => payload.level ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
    }),
  })

const InventoryReceiveInput = builder.inputType('InventoryReceiveInput', {
  fields: (t) => ({
    storeId: t.globalID({ required: true, for: Store }),
    lines: t.field({ type: [CartLineInput], required: true, validate: z.array(z.unknown()).min(1).max(200) }),
    reference: t.string({ description: 'Delivery note or purchase order number.', validate: z.string().max(200) }),
  }),
})

const InventoryAdjustInput = builder.inputType('InventoryAdjustInput', {
  fields: (t) => ({
    storeId: t.globalID({ required: true, for: Store }),
    variantId: t.globalID({ required: true, for: Variant }),
    delta: t.int({
      required: true,
      description: 'Units to add (positive) or remove (negative) from on hand.',
      validate: z
        .number()
        .int()
        .min(-100_000)
        .max(100_000)
        .refine((n) => n !== 0, 'delta must not be 0'),
    }),
    reason: t.field({ type: AdjustmentReason, required: true }),
    note: t.string({ validate: z.string().max(500) }),
  }),
})

builder.queryFields((t) => ({
  inventoryLevel: t.field({
    type: InventoryLevel,
    nullable: true,
    description: 'Staff: the stock record of a variant in their store.',
    args: {
      storeId: t.arg.globalID({ required: true, for: Store }),
      variantId: t.arg.globalID({ required: true, for: Variant }),
    },
    authScopes: (_root, args) => ({ staffOfStore: args.storeId.id }),
    resolve: async (_root, args, context) => {
      const [level] = await inventoryService.findLevels(context.db, args.storeId.id, [args.variantId.id])
      return level ?? null
    },
  }),
}))

builder.mutationFields((t) => ({
  inventoryReceive: t.field({
    type: InventoryReceivePayload,
    description: 'Staff of the store: book a delivery into on-hand stock.',
    args: { input: t.arg({ type: InventoryReceiveInput, required: true }) },
    authScopes: (_root, args) => ({ staffOfStore: args.input.storeId.id }),
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        levels: await receiveDelivery(context.db, {
          storeId: input.storeId.id,
          lines: input.lines.map((line) => ({ variantId: line.variantId.id, quantity: line.quantity })),
          reference: input.reference ?? null,
          author: auditAuthorOf(context),
        }),
      })),
  }),
  inventoryAdjust: t.field({
    type: InventoryAdjustPayload,
    description: 'Staff of the store: correct on-hand stock after a count, damage or loss.',
    args: { input: t.arg({ type: InventoryAdjustInput, required: true }) },
    authScopes: (_root, args) => ({ staffOfStore: args.input.storeId.id }),
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        level: await correctStock(context.db, {
          storeId: input.storeId.id,
          variantId: input.variantId.id,
          delta: input.delta,
          reason: input.reason,
          note: input.note ?? null,
          author: auditAuthorOf(context),
        }),
      })),
  }),
}))
