import { canActOnStore } from '../../auth/viewer.js'
import { whileAuthorized } from '../../graphql/authorized-stream.js'
import { builder } from '../../graphql/builder.js'
import { cartCredentials } from '../carts/cart.schema.js'
import { Variant } from '../catalog/catalog.schema.js'
import { Store } from '../stores/store.schema.js'
import { Order } from './order.schema.js'
import { findPickList } from './order.service.js'
import { grantOrderAccess } from './order-access.js'
import { findOrderViewOfEvent } from './order-event-view.js'

type PickListLineValue = Awaited<ReturnType<typeof findPickList>>[number]

const PickListLine = builder.objectRef<PickListLineValue>('PickListLine').implement({
  description: 'One SKU to fetch from the shelves, summed over the orders to prepare.',
  fields: (t) => ({
    sku: t.exposeString('sku'),
    title: t.exposeString('title'),
    variant: t.field({ type: Variant, resolve: (line) => line.variantId }),
    quantity: t.exposeInt('quantity'),
    orders: t.exposeInt('orders', { description: 'How many orders need it.' }),
    firstSlotStart: t.field({
      type: 'DateTime',
      description: 'The earliest pickup slot that needs it.',
      resolve: (line) => line.firstSlotStart,
    }),
  }),
})

builder.queryFields((t) => ({
  pickList: t.field({
    type: [PickListLine],
    description: 'Staff: what to fetch for the orders placed or being prepared, earliest slot first.',
    args: { storeId: t.arg.globalID({ required: true, for: Store }) },
    authScopes: (_root, args) => ({ staffOfStore: args.storeId.id }),
    resolve: (_root, args, context) => findPickList(context.db, args.storeId.id),
  }),
}))

builder.subscriptionFields((t) => ({
  storeQueueUpdated: t.field({
    type: Order,
    description: "Staff: every new order and every change on the store's board, as it commits (SSE).",
    args: { storeId: t.arg.globalID({ required: true, for: Store }) },
    // Checked when the stream starts (authorizeOnSubscribe), then before every event.
    authScopes: (_root, args) => ({ staffOfStore: args.storeId.id }),
    subscribe: (_root, args, context) =>
      whileAuthorized(
        context,
        context.pubsub.subscribe('store:queue', args.storeId.id),
        (viewer) => canActOnStore(viewer, args.storeId.id),
        // The order is read as the event arrives, with the others of its burst and once for
        // every board of the instance; each board still waits for its own check before it sees it.
        { onArrival: (event) => void findOrderViewOfEvent(context.db, event) },
      ),
    resolve: async (event, _args, context) => {
      const order = await findOrderViewOfEvent(context.db, event)
      const grant = order ? await grantOrderAccess(context.db, order, cartCredentials(context)) : null
      if (!order || !grant) throw new Error(`order ${event.orderId} of the store's queue is not visible to its staff`)
      return { ...order, grant }
    },
  }),
}))
