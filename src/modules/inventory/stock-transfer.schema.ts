import { z } from 'zod'
import type { InventoryLevelRow, StockTransferLineRow, StockTransferRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { auditAuthorOf } from '../../graphql/viewer-actor.js'
import { Variant } from '../catalog/catalog.schema.js'
import { Staff } from '../staff/staff.schema.js'
import { Store } from '../stores/store.schema.js'
import { levelKey, MAX_ON_HAND } from './inventory.js'
import { InventoryLevel } from './inventory.schema.js'
import { StockMovement } from './stock-ledger.schema.js'
import { storeTakingStep, type TransferStep } from './stock-transfer.js'
import {
  cancelTransfer,
  createTransfer,
  findInTransit,
  findTransferLines,
  findTransferStores,
  findTransfersByIds,
  type TransferView,
} from './stock-transfer.service.js'
import { receiveTransfer, shipTransfer } from './transfer-moves.service.js'

const StockTransferStatus = builder.enumType('StockTransferStatus', {
  values: ['CREATED', 'SHIPPED', 'RECEIVED', 'CANCELLED'] as const,
})

const StockTransferLine = builder.objectRef<StockTransferLineRow>('StockTransferLine').implement({
  fields: (t) => ({
    variant: t.field({ type: Variant, resolve: (line) => line.variant_id }),
    quantity: t.exposeInt('quantity', { description: 'Units asked for.' }),
    shipped: t.exposeInt('shipped', { nullable: true, description: 'Units that left the source; null until shipped.' }),
    received: t.exposeInt('received', {
      nullable: true,
      description: 'Units that arrived; null until received. shipped − received were lost in transit.',
    }),
  }),
})

export const StockTransfer = builder.loadableNode('StockTransfer', {
  description: 'Stock moving from one store to another: CREATED → SHIPPED → RECEIVED, or CREATED → CANCELLED.',
  id: { resolve: (transfer: StockTransferRow) => transfer.id },
  load: (ids: string[], context) => findTransfersByIds(context.db, ids),
  sort: (transfer) => transfer.id,
  // Top-level scopes are any-of: staff of either store (or an admin) may read it.
  authScopes: (transfer) => ({
    staffOfStore: transfer.from_store_id,
    $any: { staffOfStore: transfer.to_store_id },
  }),
  fields: (t) => ({
    fromStore: t.field({ type: Store, resolve: (transfer) => transfer.from_store_id }),
    toStore: t.field({ type: Store, resolve: (transfer) => transfer.to_store_id }),
    status: t.field({ type: StockTransferStatus, resolve: (transfer) => transfer.status }),
    createdBy: t.field({ type: Staff, nullable: true, resolve: (transfer) => transfer.created_by }),
    createdAt: t.field({ type: 'DateTime', resolve: (transfer) => transfer.created_at }),
    shippedAt: t.field({ type: 'DateTime', nullable: true, resolve: (transfer) => transfer.shipped_at }),
    receivedAt: t.field({ type: 'DateTime', nullable: true, resolve: (transfer) => transfer.received_at }),
    cancelledAt: t.field({ type: 'DateTime', nullable: true, resolve: (transfer) => transfer.cancelled_at }),
    lines: t.loadableList({
      type: StockTransferLine,
      load: async (ids: string[], context) => {
        const lines = await findTransferLines(context.db, ids)
        return ids.map((id) => lines.filter((line) => line.transfer_id === id))
      },
      resolve: (transfer) => transfer.id,
    }),
  }),
})

builder.objectFields(StockMovement, (t) => ({
  transfer: t.field({
    type: StockTransfer,
    nullable: true,
    description: 'The transfer that moved the stock, for TRANSFER_* rows.',
    resolve: (movement) => movement.transfer_id,
  }),
}))

builder.objectFields(InventoryLevel, (t) => ({
  inTransit: t.loadable({
    type: 'Int',
    description: 'Units shipped to this store on transfers not yet received (not counted in onHand).',
    load: async (keys: string[], context) => {
      const pairs = keys.map((key) => key.split(':') as [string, string])
      const units = await findInTransit(
        context.db,
        [...new Set(pairs.map(([storeId]) => storeId))],
        [...new Set(pairs.map(([, variantId]) => variantId))],
      )
      return keys.map((key) => units.get(key) ?? 0)
    },
    resolve: (level: InventoryLevelRow) => levelKey(level.store_id, level.variant_id),
  }),
}))

const StockTransferPayload = builder.objectRef<Payload<{ transfer: TransferView }>>('StockTransferPayload').implement({
  fields: (t) => ({
    transfer: t.field({ type: StockTransfer, nullable: true, resolve: (payload) => payload.transfer ?? null }),
    userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
  }),
})

const linesValidation = z.array(z.unknown()).min(1).max(200)

const StockTransferLineInput = builder.inputType('StockTransferLineInput', {
  fields: (t) => ({
    variantId: t.globalID({ required: true, for: Variant }),
    quantity: t.int({ required: true, validate: z.number().int().min(1).max(MAX_ON_HAND) }),
  }),
})

const StockTransferCountedLineInput = builder.inputType('StockTransferCountedLineInput', {
  description: 'A line of a transfer and the units shipped or received for it (0 for none).',
  fields: (t) => ({
    variantId: t.globalID({ required: true, for: Variant }),
    quantity: t.int({ required: true, validate: z.number().int().min(0).max(MAX_ON_HAND) }),
  }),
})

const StockTransferCreateInput = builder.inputType('StockTransferCreateInput', {
  fields: (t) => ({
    fromStoreId: t.globalID({ required: true, for: Store }),
    toStoreId: t.globalID({ required: true, for: Store }),
    lines: t.field({ type: [StockTransferLineInput], required: true, validate: linesValidation }),
  }),
})

const StockTransferShipInput = builder.inputType('StockTransferShipInput', {
  fields: (t) => ({
    transferId: t.globalID({ required: true, for: StockTransfer }),
    lines: t.field({
      type: [StockTransferCountedLineInput],
      description: 'What is in the box, naming every line of the transfer; omitted, every line ships in full.',
      validate: linesValidation,
    }),
  }),
})

const StockTransferReceiveInput = builder.inputType('StockTransferReceiveInput', {
  fields: (t) => ({
    transferId: t.globalID({ required: true, for: StockTransfer }),
    lines: t.field({
      type: [StockTransferCountedLineInput],
      required: true,
      description: 'The units that arrived, naming every line that shipped; fewer than shipped is a loss in transit.',
      validate: linesValidation,
    }),
  }),
})

const StockTransferCancelInput = builder.inputType('StockTransferCancelInput', {
  fields: (t) => ({ transferId: t.globalID({ required: true, for: StockTransfer }) }),
})

/**
 * The manager of the store that takes this step (or an admin). An unknown transfer is left to the
 * service to answer UNKNOWN_TRANSFER, for staff only: customers and anonymous callers learn nothing.
 */
async function stepScopes(context: GraphQLContext, transferId: string, step: TransferStep) {
  const stores = await findTransferStores(context.db, transferId)
  return stores ? { managerOfStore: storeTakingStep(step, stores) } : { staff: true }
}

const lineValues = (lines: readonly { variantId: { id: string }; quantity: number }[]) =>
  lines.map((line) => ({ variantId: line.variantId.id, quantity: line.quantity }))

builder.mutationFields((t) => ({
  stockTransferCreate: t.field({
    type: StockTransferPayload,
    description: 'Managers of the source store: ask for stock to move to another store. Nothing moves until it ships.',
    args: { input: t.arg({ type: StockTransferCreateInput, required: true }) },
    authScopes: (_root, args) => ({ managerOfStore: args.input.fromStoreId.id }),
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        transfer: await createTransfer(context.db, {
          fromStoreId: input.fromStoreId.id,
          toStoreId: input.toStoreId.id,
          lines: lineValues(input.lines),
          author: auditAuthorOf(context),
        }),
      })),
  }),
  stockTransferShip: t.field({
    type: StockTransferPayload,
    description: 'Managers of the source store: the goods leave; on hand drops there (TRANSFER_OUT).',
    args: { input: t.arg({ type: StockTransferShipInput, required: true }) },
    authScopes: (_root, args, context) => stepScopes(context, args.input.transferId.id, 'SHIP'),
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        transfer: await shipTransfer(context.db, {
          transferId: input.transferId.id,
          lines: input.lines ? lineValues(input.lines) : null,
          author: auditAuthorOf(context),
        }),
      })),
  }),
  stockTransferReceive: t.field({
    type: StockTransferPayload,
    description: 'Managers of the destination store: the goods arrive (TRANSFER_IN; a shortfall is TRANSFER_LOSS).',
    args: { input: t.arg({ type: StockTransferReceiveInput, required: true }) },
    authScopes: (_root, args, context) => stepScopes(context, args.input.transferId.id, 'RECEIVE'),
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        transfer: await receiveTransfer(context.db, {
          transferId: input.transferId.id,
          lines: lineValues(input.lines),
          author: auditAuthorOf(context),
        }),
      })),
  }),
  stockTransferCancel: t.field({
    type: StockTransferPayload,
    description: 'Managers of the source store: call off a transfer that has not shipped.',
    args: { input: t.arg({ type: StockTransferCancelInput, required: true }) },
    authScopes: (_root, args, context) => stepScopes(context, args.input.transferId.id, 'CANCEL'),
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        transfer: await cancelTransfer(context.db, { transferId: input.transferId.id, author: auditAuthorOf(context) }),
      })),
  }),
}))
