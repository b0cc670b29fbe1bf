import { z } from 'zod'
import { builder } from '../../graphql/builder.js'
import { Channel } from '../carts/cart.schema.js'
import { Order } from '../orders/order.schema.js'
import { Store } from '../stores/store.schema.js'
import { Customer } from './customer.schema.js'
import { findTimeline, lookupCustomers, type TimelineRow } from './customer.service.js'

const TimelineKind = builder.enumType('TimelineKind', { values: ['CART', 'ORDER', 'RETURN'] as const })

const TimelineEntry = builder.objectRef<TimelineRow>('TimelineEntry').implement({
  description: 'One moment of the customer’s history, whatever the channel.',
  fields: (t) => ({
    at: t.field({ type: 'DateTime', resolve: (entry) => entry.at }),
    kind: t.field({ type: TimelineKind, resolve: (entry) => entry.kind }),
    type: t.exposeString('type', { description: 'e.g. CREATED, HANDOFF_CLAIMED, PLACED, COLLECTED, REFUND_CASH.' }),
    channel: t.field({
      type: Channel,
      nullable: true,
      resolve: (entry) => entry.channel as 'WEB' | 'APP' | 'KIOSK' | 'POS' | null,
    }),
    device: t.string({
      nullable: true,
      description:
        'The device a cart moment happened on (see JourneyStep.device); the order journeys: Customer.journeys.',
      resolve: (entry) => entry.device,
    }),
    order: t.field({ type: Order, nullable: true, resolve: (entry) => entry.orderId }),
    store: t.field({ type: Store, nullable: true, resolve: (entry) => entry.storeId }),
  }),
})

builder.objectField(Customer, 'timeline', (t) =>
  t.field({
    type: [TimelineEntry],
    description: 'Carts, orders, pickups and returns across every channel, newest first.',
    args: { first: t.arg.int({ defaultValue: 50, validate: z.number().int().min(1).max(200) }) },
    resolve: (customer, args, context) => findTimeline(context.db, customer.id, args.first ?? 50),
  }),
)

builder.queryFields((t) => ({
  customerLookup: t.field({
    type: [Customer],
    description: 'Staff: find a customer at the counter by email or phone.',
    args: { query: t.arg.string({ required: true, validate: z.string().trim().min(3).max(254) }) },
    authScopes: { staff: true },
    resolve: (_root, args, context) => lookupCustomers(context.db, args.query),
  }),
}))
