import { z } from 'zod'
import type { CustomerRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { localeInput } from '../../graphql/input-validation.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { localeOf } from '../shared/locale.js'
import { Customer } from './customer.schema.js'
import { updateMessagePreferences } from './customer-preferences.service.js'

export const MessageChannel = builder.enumType('MessageChannel', {
  description:
    'How order messages reach a customer: email, a text message to their phone, or a push to their app installs.',
  values: ['EMAIL', 'SMS', 'PUSH'] as const,
})

builder.objectFields(Customer, (t) => ({
  locale: t.exposeString('locale', {
    nullable: true,
    description: 'The language messages are written in ("fr" or "en"); null: the store’s.',
  }),
  messageChannels: t.field({
    type: [MessageChannel],
    description:
      'Where order messages go; SMS only while the phone is in E.164 format, PUSH while an install is registered (else email).',
    resolve: (customer) => customer.message_channels,
  }),
}))

const CustomerMessagePreferencesInput = builder.inputType('CustomerMessagePreferencesInput', {
  fields: (t) => ({
    locale: t.string({ description: '"fr" or "en"; null: the store’s language.', validate: localeInput }),
    phone: t.string({
      description: 'E.164, e.g. +33612345678; null removes it.',
      validate: z.string().regex(/^\+[1-9]\d{6,14}$/, 'phone must be in E.164 format, e.g. +33612345678'),
    }),
    messageChannels: t.field({ type: [MessageChannel] }),
  }),
})

const CustomerMessagePreferencesPayload = builder
  .objectRef<Payload<{ customer: CustomerRow }>>('CustomerMessagePreferencesPayload')
  .implement({
    fields: (t) => ({
      customer: t.field({ type: Customer, nullable: true, resolve: (payload) => payload.customer ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
    }),
  })

builder.mutationFields((t) => ({
  customerMessagePreferencesUpdate: t.field({
    type: CustomerMessagePreferencesPayload,
    description:
      'The signed-in customer’s language and how their order messages reach them. A field left out ' +
      'is kept; SMS without an E.164 phone answers PHONE_REQUIRED, PUSH before any customerPushDeviceRegister ' +
      'PUSH_DEVICE_REQUIRED.',
    authScopes: { customer: true },
    args: { input: t.arg({ type: CustomerMessagePreferencesInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        const customerId = context.viewer.kind === 'customer' ? context.viewer.customerId : ''
        const customer = await updateMessagePreferences(context.db, customerId, {
          locale: input.locale === null ? null : localeOf(input.locale),
          phone: input.phone,
          messageChannels: input.messageChannels ?? undefined,
        })
        return { customer }
      }),
  }),
}))
