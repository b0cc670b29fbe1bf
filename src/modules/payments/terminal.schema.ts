import { GraphQLError } from 'graphql'
import { builder } from '../../graphql/builder.js'
import { PaymentProviderUnavailableError } from './payment-provider.js'
import { createReaderConnectionToken } from './reader-connection.service.js'

const TerminalConnectionToken = builder.objectRef<{ secret: string }>('TerminalConnectionToken').implement({
  fields: (t) => ({
    secret: t.exposeString('secret', { description: "For the Terminal SDK's fetchConnectionToken." }),
  }),
})

builder.mutationFields((t) => ({
  terminalConnectionTokenCreate: t.field({
    type: TerminalConnectionToken,
    description: 'Staff at a POS: a short-lived token for the Stripe Terminal SDK to reach the store’s reader.',
    authScopes: { staff: true },
    resolve: async (_root, _args, context) => {
      let secret: string | null
      try {
        secret = await createReaderConnectionToken(context.payments)
      } catch (error) {
        if (error instanceof PaymentProviderUnavailableError) {
          throw new GraphQLError('Stripe cannot be reached; try again.', {
            extensions: { code: 'UNAVAILABLE', retryable: true },
          })
        }
        throw error
      }
      if (secret === null) {
        throw new GraphQLError('Card readers need Stripe: set STRIPE_SECRET_KEY.', {
          extensions: { code: 'NOT_CONFIGURED' },
        })
      }
      return { secret }
    },
  }),
}))
