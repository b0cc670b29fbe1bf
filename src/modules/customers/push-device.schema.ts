import { z } from 'zod'
import type { CustomerRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { Customer } from './customer.schema.js'
import {
  type PushDeviceRow,
  pushDevicesOfCustomers,
  pushTokenEnding,
  registerPushDevice,
  removePushDevice,
} from './push-device.service.js'

export const PushPlatform = builder.enumType('PushPlatform', {
  description: 'The push service an app install is reached through.',
  values: {
    IOS: { description: 'Apple Push Notification service' },
    ANDROID: { description: 'Firebase Cloud Messaging' },
    WEB: { description: 'A browser’s Web Push service (the token is the subscription, as JSON)' },
  } as const,
})

const PushDevice = builder.objectRef<PushDeviceRow>('PushDevice').implement({
  description:
    'An app install the customer’s order messages are pushed to. The app names it by its token, so it has no ID of its own here.',
  fields: (t) => ({
    platform: t.field({ type: PushPlatform, resolve: (device) => device.platform }),
    tokenEnding: t.string({
      description: 'The last characters of the token, to recognise the install; the token itself is not shown.',
      resolve: (device) => pushTokenEnding(device.token),
    }),
    registeredAt: t.field({
      type: 'DateTime',
      description: 'The latest registration: an install registers again on every start.',
      resolve: (device) => device.registered_at,
    }),
  }),
})

builder.objectField(Customer, 'pushDevices', (t) =>
  t.loadableList({
    type: PushDevice,
    description: 'The app installs order messages are pushed to, most recently registered first.',
    load: async (customerIds: string[], context) => {
      const devices = await pushDevicesOfCustomers(context.db, customerIds)
      return customerIds.map((id) => devices.get(id) ?? [])
    },
    resolve: (customer) => customer.id,
  }),
)

// Push services' tokens: FCM about 160 characters, APNs 64 hex digits, a Web Push subscription a
// JSON object of about 400. Printable ASCII only: a token is sent on as it is.
const pushToken = z
  .string()
  .min(16, 'token must be the push service’s token for this install')
  .max(4096, 'token must be at most 4096 characters')
  .regex(/^[\x20-\x7e]+$/, 'token must be printable ASCII, as push services issue them')

const PushDeviceRegisterInput = builder.inputType('CustomerPushDeviceRegisterInput', {
  fields: (t) => ({
    token: t.string({ required: true, validate: pushToken }),
    platform: t.field({ type: PushPlatform, required: true }),
  }),
})

const PushDeviceRemoveInput = builder.inputType('CustomerPushDeviceRemoveInput', {
  fields: (t) => ({ token: t.string({ required: true, validate: pushToken }) }),
})

const PushDeviceRegisterPayload = builder
  .objectRef<Payload<{ device: PushDeviceRow; customer: CustomerRow | null }>>('CustomerPushDeviceRegisterPayload')
  .implement({
    fields: (t) => ({
      device: t.field({ type: PushDevice, nullable: true, resolve: (payload) => payload.device ?? null }),
      customer: t.field({ type: Customer, nullable: true, resolve: (payload) => payload.customer ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
    }),
  })

const PushDeviceRemovePayload = builder
  .objectRef<Payload<{ removed: boolean; customer: CustomerRow | null }>>('CustomerPushDeviceRemovePayload')
  .implement({
    fields: (t) => ({
      removed: t.boolean({
        description: 'Whether this token was one of the customer’s installs.',
        resolve: (payload) => payload.removed ?? false,
      }),
      customer: t.field({ type: Customer, nullable: true, resolve: (payload) => payload.customer ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
    }),
  })

builder.mutationFields((t) => ({
  customerPushDeviceRegister: t.field({
    type: PushDeviceRegisterPayload,
    description:
      'Registers the app install the customer is signed in on for pushes of their order messages ' +
      '(with PUSH among their messageChannels). Call it on every start and after sign-in: a token ' +
      'registered by another customer moves to this one, and the ten most recent installs are kept.',
    authScopes: { customer: true },
    args: { input: t.arg({ type: PushDeviceRegisterInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        const customerId = context.viewer.kind === 'customer' ? context.viewer.customerId : ''
        return registerPushDevice(context.db, customerId, {
          platform: input.platform,
          token: input.token,
          storefrontId: context.origin.storefrontId,
          now: context.now,
        })
      }),
  }),
  customerPushDeviceRemove: t.field({
    type: PushDeviceRemovePayload,
    description: 'Stops pushes to an install, as the app signs out. Removing a token twice answers removed: false.',
    authScopes: { customer: true },
    args: { input: t.arg({ type: PushDeviceRemoveInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        const customerId = context.viewer.kind === 'customer' ? context.viewer.customerId : ''
        return removePushDevice(context.db, customerId, input.token)
      }),
  }),
}))
