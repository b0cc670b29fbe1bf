import { z } from 'zod'
import type { StoreRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { notFound } from '../../graphql/errors.js'
import { Store } from '../stores/store.schema.js'
import { findStore } from '../stores/store.service.js'
import { listPickupSlots, nextPickupSlots, type PickupSlotView } from './pickup.service.js'
import { MAX_BOOKING_DAYS } from './pickup-slots.js'

const DEFAULT_DAYS = 3

const PickupSlot = builder.objectRef<PickupSlotView>('PickupSlot').implement({
  description: 'A window to collect an order in, and how many more orders it can take.',
  fields: (t) => ({
    start: t.field({ type: 'DateTime', resolve: (slot) => slot.start }),
    end: t.field({ type: 'DateTime', resolve: (slot) => slot.end }),
    remaining: t.exposeInt('remaining', { description: 'Places left; 0 when the slot is full.' }),
  }),
})

builder.objectFields(Store, (t) => ({
  slotMinutes: t.exposeInt('slot_minutes', { description: 'Length of a pickup slot.' }),
  slotCapacity: t.exposeInt('slot_capacity', { description: 'Orders one pickup slot can take.' }),
  holdHours: t.exposeInt('hold_hours', { description: 'How long a ready order is kept before it expires.' }),
  nextPickupSlot: t.loadable({
    type: PickupSlot,
    nullable: true,
    description: `The first slot with a place left in the next ${MAX_BOOKING_DAYS} days.`,
    // Keyed by store id; the key carries the row so that a page of stores costs one query.
    load: (stores: StoreRow[], context) => nextPickupSlots(context.db, stores, context.now),
    loaderOptions: { cacheKeyFn: (store: StoreRow) => store.id },
    resolve: (store) => store,
  }),
}))

builder.queryFields((t) => ({
  pickupSlots: t.field({
    type: [PickupSlot],
    description: `A store's pickup slots, full ones included, for \`days\` local days from \`from\` (default now); none beyond the next ${MAX_BOOKING_DAYS} days.`,
    args: {
      storeId: t.arg.globalID({ required: true, for: Store }),
      from: t.arg({ type: 'DateTime' }),
      days: t.arg.int({
        description: `Local days to cover, 1 to ${MAX_BOOKING_DAYS}; ${DEFAULT_DAYS} by default.`,
        validate: z.number().int().min(1).max(MAX_BOOKING_DAYS).nullish(),
      }),
    },
    resolve: async (_root, args, context) => {
      const store = await findStore(context.db, args.storeId.id)
      if (!store) throw notFound('Store', args.storeId.id)
      return listPickupSlots(context.db, store, {
        from: args.from ?? context.now,
        days: args.days ?? DEFAULT_DAYS,
        now: context.now,
      })
    },
  }),
}))
