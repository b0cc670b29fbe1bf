import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { moneyAmountInput } from '../../graphql/input-validation.js'
import { readerIdSchema } from '../terminals/terminal.schema.js'
import { type CounterPaymentInput, type PosPayment, readCounterPayment } from './counter-payment.js'

const PosPaymentMethod = builder.enumType('PosPaymentMethod', { values: ['CASH', 'CARD_PRESENT'] as const })

export const PosPaymentInput = builder.inputType('PosPaymentInput', {
  fields: (t) => ({
    method: t.field({ type: PosPaymentMethod, required: true }),
    amountTendered: t.string({
      description: 'Decimal string in the order currency, e.g. "20.00"; needed for cash.',
      validate: moneyAmountInput,
    }),
    readerId: t.string({
      description:
        "CARD_PRESENT: the store's Stripe Terminal reader that takes the card (tmr_…). A terminal paired with a reader may leave it out.",
      validate: readerIdSchema,
    }),
  }),
})

/** The reader a terminal is paired with: a till that has one may leave readerId out. */
export function pairedReaderOf(context: GraphQLContext): string | null {
  return context.viewer.kind === 'terminal' ? context.viewer.readerId : null
}

/** Reads a till's payment input for a sale or hand-over in `storeId` (see readCounterPayment). */
export function parsePosPayment(
  context: GraphQLContext,
  payment: CounterPaymentInput,
  sale: { storeId: string; currencyCode: string },
): Promise<PosPayment> {
  return readCounterPayment(context.db, payment, {
    ...sale,
    pairedReaderId: pairedReaderOf(context),
    readerNeeded: context.payments.stripe !== null,
  })
}
