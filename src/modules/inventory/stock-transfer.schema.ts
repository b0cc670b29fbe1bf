import { resolveCursorConnection } from '@pothos/plugin-relay'
import { z } from 'zod'
import type { InventoryLevelRow, StockTransferLineRow, StockTransferRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { badUserInput } from '../../graphql/errors.js'
import { Variant } from '../catalog/catalog.schema.js'
import { Staff } from '../staff/staff.schema.js'
import { Store } from '../stores/store.schema.js'
import { levelKey } from './inventory.js'
import { InventoryLevel } from './inventory.schema.js'
import { StockMovement } from './stock-ledger.schema.js'
import { findInTransit, findTransferLines, findTransferPage, findTransfersByIds } from './stock-transfer.service.js'

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

const TransferDirection = builder.enumType('StockTransferDirection', { values: ['INBOUND', 'OUTBOUND'] as const })

const MAX_PAGE = 100
const CURSOR = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\|([0-9a-f-]{36})$/

builder.queryFields((t) => ({
  stockTransfers: t.connection({
    type: StockTransfer,
    description: 'Staff of the store: its transfers in (INBOUND), out (OUTBOUND) or both, newest first.',
    authScopes: (_root, args) => ({ staffOfStore: args.storeId.id }),
    args: {
      storeId: t.arg.globalID({ required: true, for: Store }),
      direction: t.arg({ type: TransferDirection }),
      status: t.arg({ type: StockTransferStatus }),
    },
    validate: z.looseObject({
      first: z.number().int().min(0).max(MAX_PAGE).nullish(),
      last: z.null({ message: 'stockTransfers pages forward only (first/after).' }).optional(),
      before: z.null({ message: 'stockTransfers pages forward only (first/after).' }).optional(),
    }),
    resolve: (_root, args, context) =>
      resolveCursorConnection<Promise<StockTransferRow[]>>(
        {
          args,
          toCursor: (transfer: StockTransferRow) => `${transfer.created_at.toISOString()}|${transfer.id}`,
          defaultSize: 20,
          maxSize: MAX_PAGE,
        },
        ({ after, limit }) => {
          const cursor = after === undefined ? null : CURSOR.exec(after)
          if (after !== undefined && !cursor) throw badUserInput('Invalid stockTransfers cursor.')
          return findTransferPage(context.db, {
            storeId: args.storeId.id,
            direction: args.direction ?? null,
            status: args.status ?? null,
            before: cursor ? { createdAt: new Date(cursor[1] ?? ''), id: cursor[2] ?? '' } : null,
            limit,
          })
        },
      ),
  }),
}))
