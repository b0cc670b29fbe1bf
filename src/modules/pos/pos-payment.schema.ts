import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { badUserInput } from '../../graphql/errors.js'
import { moneyAmountInput } from '../../graphql/input-validation.js'
import { formatMinorUnits, MAX_MONEY_MINOR, parseMajorUnits } from '../shared/money.js'
import { readerIdSchema } from '../terminals/terminal.schema.js'
import { isReaderOfStore } from '../terminals/terminal.service.js'

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

export interface PosPayment {
  method: 'CASH' | 'CARD_PRESENT'
  tenderedMinor: number | null
  /** Null only where no reader is needed: cash, or cards settled by the offline provider. */
  readerId: string | null
}

/**
 * Reads a till's payment input for a sale or hand-over in `storeId`, refusing what no amount of
 * retrying would fix, such as a card reader that stands in another store.
 */
export async function parsePosPayment(
  context: GraphQLContext,
  payment: { method: 'CASH' | 'CARD_PRESENT'; amountTendered?: string | null; readerId?: string | null },
  sale: { storeId: string; currencyCode: string },
): Promise<PosPayment> {
  const { currencyCode } = sale
  const tendered = payment.amountTendered
  const tenderedMinor = tendered == null ? null : parseMajorUnits(tendered, currencyCode)
  if (tendered != null && tenderedMinor === null) {
    const ceiling = formatMinorUnits({ amountMinor: MAX_MONEY_MINOR, currencyCode })
    throw badUserInput(`amountTendered must be a decimal amount in ${currencyCode} up to ${ceiling}, e.g. "20.00".`)
  }
  const pairedReader = context.viewer.kind === 'terminal' ? context.viewer.readerId : null
  const readerId = payment.method === 'CARD_PRESENT' ? (payment.readerId ?? pairedReader) : null
  if (payment.method === 'CARD_PRESENT' && context.payments.stripe && !readerId) {
    throw badUserInput(
      'A card-present payment needs the readerId of the store’s card reader, or a terminal paired with one (posTerminalUpdate).',
    )
  }
  if (readerId && !(await isReaderOfStore(context.db, sale.storeId, readerId))) {
    throw badUserInput('This card reader is not paired with a terminal of this store (posTerminalUpdate).')
  }
  return { method: payment.method, tenderedMinor, readerId }
}
