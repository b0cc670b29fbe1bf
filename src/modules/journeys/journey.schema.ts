import { z } from 'zod'
import { builder } from '../../graphql/builder.js'
import { Channel } from '../carts/cart.schema.js'
import { Customer } from '../customers/customer.schema.js'
import { Order } from '../orders/order.schema.js'
import { crossesDevices, JOURNEY_EVENTS, type JourneyStep as JourneyStepValue } from './journey.js'
import { journeysOfCustomer, journeysOfOrders } from './journey.service.js'

const JourneyEvent = builder.enumType('JourneyEvent', { values: JOURNEY_EVENTS })

const JourneyStep = builder.objectRef<JourneyStepValue>('JourneyStep').implement({
  description: 'One moment of an order’s journey, on the channel and device it happened on.',
  fields: (t) => ({
    event: t.field({ type: JourneyEvent, resolve: (step) => step.event }),
    channel: t.field({
      type: Channel,
      nullable: true,
      description: 'null for moments in the store that no channel recorded (arrival, hand-over at the board).',
      resolve: (step) => step.channel,
    }),
    device: t.string({
      nullable: true,
      description:
        'terminal:<id>, kiosk:<id>, storefront:<id>[:<X-Device-Id>] or device:<X-Device-Id>; null when nothing identified it.',
      resolve: (step) => step.device,
    }),
    at: t.field({ type: 'DateTime', resolve: (step) => step.at }),
  }),
})

builder.objectField(Order, 'journey', (t) =>
  t.loadableList({
    type: JourneyStep,
    description:
      'Cart started, handed off and claimed, changed, checked out, then arrival and collection, oldest first.',
    load: async (orderIds: string[], context) => {
      const journeys = await journeysOfOrders(context.db, orderIds)
      return orderIds.map((id) => journeys.get(id) ?? [])
    },
    resolve: (order) => order.id,
  }),
)

interface CustomerJourneyValue {
  orderId: string
  steps: JourneyStepValue[]
}

const CustomerJourney = builder.objectRef<CustomerJourneyValue>('CustomerJourney').implement({
  fields: (t) => ({
    order: t.field({ type: Order, resolve: (journey) => journey.orderId }),
    steps: t.field({ type: [JourneyStep], resolve: (journey) => journey.steps }),
    crossDevice: t.boolean({
      description: 'Whether the shopper’s steps went through more than one known device.',
      resolve: (journey) => crossesDevices(journey.steps),
    }),
  }),
})

builder.objectField(Customer, 'journeys', (t) =>
  t.field({
    type: [CustomerJourney],
    description: 'The journeys of the customer’s most recent orders, newest order first.',
    args: { first: t.arg.int({ defaultValue: 10, validate: z.number().int().min(1).max(50) }) },
    resolve: (customer, args, context) => journeysOfCustomer(context.db, customer.id, args.first ?? 10),
  }),
)
