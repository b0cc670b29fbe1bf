import type { Db } from '../../db/create-db.js'
import { InvalidInputError } from '../shared/invalid-input.js'
import { formatMinorUnits, MAX_MONEY_MINOR, parseMajorUnits } from '../shared/money.js'
import { isReaderOfStore } from '../terminals/terminal.service.js'

/** How the till says the shopper pays, as sent. */
export interface CounterPaymentInput {
  method: 'CASH' | 'CARD_PRESENT'
  amountTendered?: string | null
  readerId?: string | null
}

export interface PosPayment {
  method: 'CASH' | 'CARD_PRESENT'
  tenderedMinor: number | null
  /** Null only where no reader is needed: cash, or cards settled by the offline provider. */
  readerId: string | null
}

export interface PaymentPlace {
  storeId: string
  currencyCode: string
  /** The reader paired with the calling terminal, taken when the payment names none. */
  pairedReaderId: string | null
  /** Card-present payments go through a reader (Stripe Terminal), not the offline provider. */
  readerNeeded: boolean
}

/**
 * Reads a till's payment for a sale or hand-over in a store, refusing what no amount of retrying
 * would fix, such as a card reader that stands in another store.
 */
export async function readCounterPayment(
  db: Db,
  payment: CounterPaymentInput,
  place: PaymentPlace,
): Promise<PosPayment> {
  const { currencyCode } = place
  const tendered = payment.amountTendered
  const tenderedMinor = tendered == null ? null : parseMajorUnits(tendered, currencyCode)
  if (tendered != null && tenderedMinor === null) {
    const ceiling = formatMinorUnits({ amountMinor: MAX_MONEY_MINOR, currencyCode })
    throw new InvalidInputError(
      `amountTendered must be a decimal amount in ${currencyCode} up to ${ceiling}, e.g. "20.00".`,
    )
  }
  const readerId = payment.method === 'CARD_PRESENT' ? (payment.readerId ?? place.pairedReaderId) : null
  if (payment.method === 'CARD_PRESENT' && place.readerNeeded && !readerId) {
    throw new InvalidInputError(
      'A card-present payment needs the readerId of the store’s card reader, or a terminal paired with one (posTerminalUpdate).',
    )
  }
  if (readerId && !(await isReaderOfStore(db, place.storeId, readerId))) {
    throw new InvalidInputError('This card reader is not paired with a terminal of this store (posTerminalUpdate).')
  }
  return { method: payment.method, tenderedMinor, readerId }
}
