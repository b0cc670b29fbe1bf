import { z } from 'zod'
import type { InventoryLevelRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { auditAuthorOf } from '../../graphql/viewer-actor.js'
import { Variant } from '../catalog/catalog.schema.js'
import { Store } from '../stores/store.schema.js'
import { MAX_ON_HAND } from './inventory.js'
import { InventoryLevel } from './inventory.schema.js'
import { setSafetyStock } from './safety-stock.service.js'

const InventorySetSafetyStockPayload = builder
  .objectRef<Payload<{ level: InventoryLevelRow }>>('InventorySetSafetyStockPayload')
  .implement({
    fields: (t) => ({
      level: t.field({ type: InventoryLevel, nullable: true, resolve: (payload) => payload.level ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
    }),
  })

const InventorySetSafetyStockInput = builder.inputType('InventorySetSafetyStockInput', {
  fields: (t) => ({
    storeId: t.globalID({ required: true, for: Store }),
    variantId: t.globalID({ required: true, for: Variant }),
    safetyStock: t.int({
      required: true,
      description: 'Units kept back from shoppers (online and in store pickup); 0 offers everything.',
      validate: z.number().int().min(0).max(MAX_ON_HAND),
    }),
  }),
})

builder.mutationFields((t) => ({
  inventorySetSafetyStock: t.field({
    type: InventorySetSafetyStockPayload,
    description: 'Managers of the store: set how many units the store keeps back from shoppers.',
    args: { input: t.arg({ type: InventorySetSafetyStockInput, required: true }) },
    authScopes: (_root, args) => ({ managerOfStore: args.input.storeId.id }),
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        level: await setSafetyStock(context.db, {
          storeId: input.storeId.id,
          variantId: input.variantId.id,
          safetyStock: input.safetyStock,
          author: auditAuthorOf(context),
        }),
      })),
  }),
}))
