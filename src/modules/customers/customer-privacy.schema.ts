import { GraphQLError } from 'graphql'
import type { CustomerRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { badUserInput, notFound } from '../../graphql/errors.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { Customer } from './customer.schema.js'
import { findCustomersByIds } from './customer.service.js'
import { eraseCustomer, exportCustomerData } from './customer-privacy.service.js'

/**
 * Whose data the request may take out or erase: a customer their own (named or not), an admin
 * anyone's (named). Other staff and terminals never reach here (the field's authScopes).
 */
function subjectOf(context: GraphQLContext, customerId: string | null): string {
  const viewer = context.viewer
  if (viewer.kind === 'customer') {
    if (customerId !== null && customerId !== viewer.customerId) {
      throw new GraphQLError('You may only act on your own customer data.', { extensions: { code: 'FORBIDDEN' } })
    }
    return viewer.customerId
  }
  if (customerId === null) throw badUserInput('customerId is required: name the customer whose data this is.')
  return customerId
}

builder.objectField(Customer, 'erasedAt', (t) =>
  t.field({
    type: 'DateTime',
    nullable: true,
    description: 'When the personal data was erased at the customer’s request; null for a live account.',
    resolve: (customer) => customer.erased_at,
  }),
)

builder.queryFields((t) => ({
  customerDataExport: t.field({
    type: 'JSON',
    description:
      'Everything held about a customer, as one JSON document: account, carts and their events, orders with ' +
      'lines, payments, history and returns, pickups, POS purchases, notifications and the timeline. The ' +
      'signed-in customer gets their own (no argument needed); an admin names any customer.',
    authScopes: { customer: true, admin: true },
    args: { customerId: t.arg.globalID({ for: Customer }) },
    resolve: async (_root, args, context) => {
      const customerId = subjectOf(context, args.customerId?.id ?? null)
      const document = await exportCustomerData(context.db, customerId, context.now)
      if (!document) throw notFound('Customer', customerId)
      return document
    },
  }),
}))

const CustomerEraseInput = builder.inputType('CustomerEraseInput', {
  fields: (t) => ({
    customerId: t.globalID({
      for: Customer,
      description: 'Required for an admin; a signed-in customer may leave it out to erase themself.',
    }),
  }),
})

const CustomerErasePayload = builder.objectRef<Payload<{ customer: CustomerRow }>>('CustomerErasePayload').implement({
  description: 'The customer after erasure: the row stays, its personal data replaced.',
  fields: (t) => ({
    customer: t.field({ type: Customer, nullable: true, resolve: (payload) => payload.customer ?? null }),
    userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
  }),
})

builder.mutationFields((t) => ({
  customerErase: t.field({
    type: CustomerErasePayload,
    description:
      'Anonymises the customer’s personal data (email, name, phone, order contact emails, notification ' +
      'recipients) and revokes their cart tokens; orders, payments and the stock ledger stay for accounting. ' +
      'The customer can no longer sign in. Erasing twice is harmless.',
    authScopes: { customer: true, admin: true },
    args: { input: t.arg({ type: CustomerEraseInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        const customerId = subjectOf(context, input.customerId?.id ?? null)
        const outcome = await eraseCustomer(context.db, customerId, context.now)
        if (outcome === 'NOT_FOUND') throw notFound('Customer', customerId)
        const [customer] = await findCustomersByIds(context.db, [customerId])
        return { customer }
      }),
  }),
}))
