import { z } from 'zod'
import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { auditAuthorOf } from '../../graphql/viewer-actor.js'
import { Variant } from '../catalog/catalog.schema.js'
import { Store } from '../stores/store.schema.js'
import { MAX_ON_HAND } from './inventory.js'
import { storeTakingStep, type TransferStep } from './stock-transfer.js'
import { StockTransfer } from './stock-transfer.schema.js'
import { cancelTransfer, createTransfer, findTransferStores, type TransferView } from './stock-transfer.service.js'
import { receiveTransfer, shipTransfer } from './transfer-moves.service.js'

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
      description:
        'What is in the box, naming every line of the transfer; omitted, every line ships in full (and an error names a line by its place in StockTransfer.lines).',
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
