import { resolveCursorConnection } from '@pothos/plugin-relay'
import { z } from 'zod'
import type { StockMovementRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { badUserInput } from '../../graphql/errors.js'
import { Variant } from '../catalog/catalog.schema.js'
import { Order } from '../orders/order.schema.js'
import { Staff } from '../staff/staff.schema.js'
import { Store } from '../stores/store.schema.js'
import { findStockMovements } from './stock-ledger.service.js'

export const StockMovement = builder.objectRef<StockMovementRow>('StockMovement').implement({
  description: 'One line of the stock ledger: a change to on-hand or reserved units of a variant in a store.',
  fields: (t) => ({
    store: t.field({ type: Store, resolve: (movement) => movement.store_id }),
    variant: t.field({ type: Variant, resolve: (movement) => movement.variant_id }),
    reason: t.exposeString('reason', {
      description:
        'RECEIPT, ADJUSTMENT_<reason>, RESERVATION, RELEASE, COLLECTED, MISSING_AT_PICKING, POS_SALE, RETURN, CART_HOLD, CART_HOLD_RELEASE, TRANSFER_OUT, TRANSFER_IN, TRANSFER_LOSS, COUNT_CORRECTION.',
    }),
    onHandDelta: t.exposeInt('on_hand_delta'),
    reservedDelta: t.exposeInt('reserved_delta'),
    actorType: t.exposeString('actor_type', { description: 'STAFF, TERMINAL or SYSTEM.' }),
    actor: t.field({
      type: Staff,
      nullable: true,
      description: 'The staff member who made the change; null for terminals and the system.',
      resolve: (movement) => (movement.actor_type === 'STAFF' ? movement.actor_id : null),
    }),
    order: t.field({
      type: Order,
      nullable: true,
      description: 'The order that moved the stock, when one did (and the caller may see it).',
      resolve: (movement) => movement.order_id,
    }),
    reference: t.exposeString('reference', { nullable: true, description: 'A delivery note or purchase order.' }),
    note: t.exposeString('note', { nullable: true }),
    at: t.field({ type: 'DateTime', resolve: (movement) => movement.created_at }),
  }),
})

const MAX_PAGE = 200

builder.queryFields((t) => ({
  stockMovements: t.connection({
    type: StockMovement,
    description:
      "Staff of the store: the store's stock ledger, newest first, optionally for one variant and a time window [from, to).",
    authScopes: (_root, args) => ({ staffOfStore: args.storeId.id }),
    args: {
      storeId: t.arg.globalID({ required: true, for: Store }),
      variantId: t.arg.globalID({ for: Variant }),
      from: t.arg({ type: 'DateTime' }),
      to: t.arg({ type: 'DateTime' }),
    },
    validate: z.looseObject({
      first: z.number().int().min(0).max(MAX_PAGE).nullish(),
      last: z.null({ message: 'stockMovements pages forward only (first/after).' }).optional(),
      before: z.null({ message: 'stockMovements pages forward only (first/after).' }).optional(),
    }),
    resolve: (_root, args, context) =>
      resolveCursorConnection<Promise<StockMovementRow[]>>(
        { args, toCursor: (movement: StockMovementRow) => movement.id, defaultSize: 50, maxSize: MAX_PAGE },
        ({ after, limit }) => {
          if (after !== undefined && !/^\d{1,19}$/.test(after)) throw badUserInput('Invalid stockMovements cursor.')
          return findStockMovements(context.db, {
            storeId: args.storeId.id,
            variantId: args.variantId?.id ?? null,
            from: args.from ?? null,
            to: args.to ?? null,
            beforeId: after ?? null,
            limit,
          })
        },
      ),
  }),
}))
