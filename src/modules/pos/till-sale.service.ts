import type { Db } from '../../db/create-db.js'
import type { SalesOrderRow } from '../../db/database.js'
import { isUniqueViolation } from '../../db/sql-errors.js'
import { findCustomersByIds } from '../customers/customer.service.js'
import { findGiftCardsSold, type GiftCardToSell, giftCardsToSellMinor } from '../giftcards/gift-card-sale.service.js'
import { findCounterSaleByKey, findOrderLines } from '../orders/order.service.js'
import type { OrderActor } from '../orders/order-transition.js'
import { asCodeRefusal, discountsForOrder } from '../promotions/order-pricing.service.js'
import { InvalidInputError } from '../shared/invalid-input.js'
import { MAX_MONEY_MINOR } from '../shared/money.js'
import { NotFoundError } from '../shared/not-found.js'
import { findStore } from '../stores/store.service.js'
import { type CounterPaymentInput, readCounterPayment } from './counter-payment.js'
import {
  SaleKeyReusedError,
  SaleLinesRejectedError,
  SoldGiftCardExpiryError,
  saleTotalTooLarge,
} from './pos-sale.errors.js'
import { isSameSale, type PricedSaleLine, priceSaleLines, type SaleLineRequest } from './pos-sale.service.js'
import { recordSale, replaySale, type SaleOutcome, type TillSaleDeps } from './till-settlement.service.js'

export type { SaleOutcome, TillSaleDeps } from './till-settlement.service.js'

export interface TillSaleRequest {
  /** Null for an admin, who belongs to no store and must name one. */
  storeId: string | null
  customerId: string | null
  idempotencyKey: string | null
  lines: SaleLineRequest[]
  /** Gift cards the shopper buys: paid with the rest of the sale (cash or card), issued once it is paid. */
  giftCards: GiftCardToSell[]
  /** Discount codes typed by the cashier; automatic promotions of the store apply without one. */
  discountCodes: readonly string[]
  payment: CounterPaymentInput
  /** Gift cards paying the goods first, in this order; cash or the card pays the rest. */
  giftCardCodes: readonly string[]
  /** The reader paired with the calling terminal, taken when the payment names none. */
  pairedReaderId: string | null
  actor: OrderActor
  now: Date
}

/**
 * A walk-in sale at the till: prices what was scanned with the store's promotions, reads the
 * payment, and records the sale with its stock in one transaction. Cash is handed over at once;
 * a card is put on the reader after the commit, and the till calls again (same idempotency key)
 * once it is accepted. A retry, or a second till racing on the same key, gets the sale the first
 * one recorded, as it was priced then.
 */
export async function sellAtTill(deps: TillSaleDeps, request: TillSaleRequest): Promise<SaleOutcome> {
  const { db } = deps
  const { customerId, idempotencyKey: key } = request
  const { storeId, lines, currencyCode, payment } = await readSale(deps, request)
  // Before the promotions: a retry gets its sale even if the code it used has no uses left now.
  const sent = { lines, giftCards: request.giftCards }
  const replayed = key ? await findReplay(db, storeId, key, sent) : null
  if (replayed) return replaySale(deps, replayed, payment.readerId, request)
  // The store's promotions at the till (channel POS, its customer if named, now).
  const discounts = await discountsForOrder(db, {
    lines: lines.map((line, index) => ({
      key: String(index),
      variantId: line.variant.id,
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
      taxRateBp: line.variant.tax_rate_bp,
    })),
    codes: request.discountCodes,
    currencyCode,
    context: { storeId, channel: 'POS', customerId, at: request.now },
  })
  const sale = {
    storeId,
    customerId,
    idempotencyKey: key,
    lines,
    discounts,
    giftCards: request.giftCards,
    currencyCode,
    actor: request.actor,
    now: request.now,
  }
  try {
    return await recordSale(deps, sale, payment, request.giftCardCodes)
  } catch (error) {
    // Two tills (or one retrying) raced on the same key: the first one recorded the sale.
    if (!key || !isUniqueViolation(error, 'sales_order_pos_idempotency_idx'))
      throw asCodeRefusal(error, request.discountCodes)
    const winner = await findReplay(db, storeId, key, sent)
    if (!winner) throw error
    return replaySale(deps, winner, payment.readerId, request)
  }
}

/**
 * What the till asks for, checked and priced at the store's POS prices before anything is
 * written: the store, the customer, the items, the gift cards sold and the payment.
 */
async function readSale(deps: TillSaleDeps, request: TillSaleRequest) {
  const { db } = deps
  const { storeId, customerId } = request
  if (!storeId)
    throw new InvalidInputError('Give the storeId of the sale: an admin, or a member of several stores, must name it.')
  const store = await findStore(db, storeId)
  if (!store) throw new NotFoundError('Store', storeId)
  if (customerId && (await findCustomersByIds(db, [customerId])).length === 0) {
    throw new NotFoundError('Customer', customerId)
  }
  if (request.payment.method === 'CARD_PRESENT' && deps.payments.stripe && !request.idempotencyKey) {
    throw new InvalidInputError(
      'A card sale finishes in a second call once the card is accepted: send an idempotencyKey.',
    )
  }
  checkGiftCardsSold(deps, request)
  const priced = await priceSaleLines(db, request.lines, { storeId, now: request.now })
  const { lines } = priced
  // A sale of gift cards only is in the store's currency.
  const currencyCode = lines.length > 0 ? priced.currencyCode : store.currency_code
  const goodsMinor = lines.reduce((sum, line) => sum + line.unitPriceMinor * line.quantity, 0)
  if (goodsMinor + giftCardsToSellMinor(request.giftCards) > MAX_MONEY_MINOR)
    throw new SaleLinesRejectedError([saleTotalTooLarge(currencyCode)])
  const payment = await readCounterPayment(db, request.payment, {
    storeId,
    currencyCode,
    pairedReaderId: request.pairedReaderId,
    readerNeeded: deps.payments.stripe !== null,
  })
  if (payment.method === 'CASH' && payment.tenderedMinor === null) {
    throw new InvalidInputError('A cash sale needs amountTendered.')
  }
  return { storeId, lines, currencyCode, payment }
}

/** Gift cards sold must still be valid when issued: a card payment issues them up to the payment deadline later. */
function checkGiftCardsSold(deps: TillSaleDeps, request: TillSaleRequest): void {
  const deadline = new Date(request.now.getTime() + deps.paymentTimeoutMinutes * 60_000)
  request.giftCards.forEach((card, index) => {
    if (card.expiresAt && card.expiresAt.getTime() <= deadline.getTime())
      throw new SoldGiftCardExpiryError(index, deadline)
  })
}

/** The sale recorded under this key, if it is the one the till sends again; refused if it is another. */
async function findReplay(
  db: Db,
  storeId: string,
  key: string,
  sent: { lines: PricedSaleLine[]; giftCards: GiftCardToSell[] },
): Promise<SalesOrderRow | null> {
  const sale = await findCounterSaleByKey(db, storeId, key)
  if (!sale) return null
  const [lines, giftCards] = await Promise.all([findOrderLines(db, sale.id), findGiftCardsSold(db, [sale.id])])
  if (!isSameSale({ lines, giftCards }, sent)) throw new SaleKeyReusedError()
  return sale
}
