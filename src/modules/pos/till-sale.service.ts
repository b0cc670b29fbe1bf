import type { Db } from '../../db/create-db.js'
import type { SalesOrderRow } from '../../db/database.js'
import { isUniqueViolation } from '../../db/sql-errors.js'
import { inTransaction } from '../../db/transaction.js'
import type { Logger } from '../../logger.js'
import { findCustomersByIds } from '../customers/customer.service.js'
import { redeemGiftCards } from '../giftcards/gift-card-redemption.js'
import { findCounterSaleByKey, findOrderLines } from '../orders/order.service.js'
import { canTransition } from '../orders/order-state.js'
import type { OrderActor } from '../orders/order-transition.js'
import { findPaymentsOfOrders, recordGiftCardPayment, takeCashPayment } from '../payments/payment.service.js'
import type { AppPayments } from '../payments/payment-setup.js'
import { InvalidInputError } from '../shared/invalid-input.js'
import { NotFoundError } from '../shared/not-found.js'
import { findStore } from '../stores/store.service.js'
import { type CounterPaymentInput, type PosPayment, readCounterPayment } from './counter-payment.js'
import { SaleAbandonedError, SaleKeyReusedError } from './pos-sale.errors.js'
import {
  type CounterSaleInput,
  isSameSale,
  type PricedSaleLine,
  priceSaleLines,
  recordCounterSale,
  type SaleLineRequest,
} from './pos-sale.service.js'
import { finishCardSale } from './pos-sale-card.service.js'

export interface TillSaleRequest {
  /** Null for an admin, who belongs to no store and must name one. */
  storeId: string | null
  customerId: string | null
  idempotencyKey: string | null
  lines: SaleLineRequest[]
  payment: CounterPaymentInput
  /** Gift cards paying first, in this order; cash pays the rest. */
  giftCardCodes: readonly string[]
  /** The reader paired with the calling terminal, taken when the payment names none. */
  pairedReaderId: string | null
  actor: OrderActor
  now: Date
}

export interface TillSaleDeps {
  db: Db
  payments: AppPayments
  logger: Logger
  paymentTimeoutMinutes: number
}

export interface SaleOutcome {
  orderId: string
  changeMinor: number | null
  currencyCode: string
  /** A card sale waiting for the shopper to tap or insert their card. */
  cardOnReader: boolean
}

/**
 * A walk-in sale at the till: prices what was scanned, reads the payment, and records the sale
 * with its stock in one transaction. Cash is handed over at once; a card is put on the reader
 * after the commit, and the till calls again (same idempotency key) once it is accepted. A retry,
 * or a second till racing on the same key, gets the sale the first one recorded.
 */
export async function sellAtTill(deps: TillSaleDeps, request: TillSaleRequest): Promise<SaleOutcome> {
  const { db } = deps
  const { storeId, customerId, idempotencyKey: key } = request
  if (!storeId)
    throw new InvalidInputError('Give the storeId of the sale: an admin, or a member of several stores, must name it.')
  if (!(await findStore(db, storeId))) throw new NotFoundError('Store', storeId)
  if (customerId && (await findCustomersByIds(db, [customerId])).length === 0) {
    throw new NotFoundError('Customer', customerId)
  }
  if (request.payment.method === 'CARD_PRESENT' && deps.payments.stripe && !key) {
    throw new InvalidInputError(
      'A card sale finishes in a second call once the card is accepted: send an idempotencyKey.',
    )
  }
  const { lines, currencyCode } = await priceSaleLines(db, request.lines, { storeId, now: request.now })
  const payment = await readCounterPayment(db, request.payment, {
    storeId,
    currencyCode,
    pairedReaderId: request.pairedReaderId,
    readerNeeded: deps.payments.stripe !== null,
  })
  if (request.giftCardCodes.length > 0 && payment.method !== 'CASH') {
    throw new InvalidInputError('Gift cards pay at the till with cash for the rest: use payment method CASH.')
  }
  if (payment.method === 'CASH' && payment.tenderedMinor === null) {
    throw new InvalidInputError('A cash sale needs amountTendered.')
  }
  const replayed = key ? await findReplay(db, storeId, key, lines) : null
  if (replayed) return replaySale(deps, replayed, payment.readerId, request)
  const sale = { storeId, customerId, idempotencyKey: key, lines, currencyCode, actor: request.actor, now: request.now }
  try {
    return await recordSale(deps, sale, payment, request.giftCardCodes)
  } catch (error) {
    // Two tills (or one retrying) raced on the same key: the first one recorded the sale.
    if (!key || !isUniqueViolation(error, 'sales_order_pos_idempotency_idx')) throw error
    const winner = await findReplay(db, storeId, key, lines)
    if (!winner) throw error
    return replaySale(deps, winner, payment.readerId, request)
  }
}

async function recordSale(
  deps: TillSaleDeps,
  sale: Omit<CounterSaleInput, 'settlement'>,
  payment: PosPayment,
  giftCardCodes: readonly string[],
): Promise<SaleOutcome> {
  const { currencyCode, now } = sale
  if (payment.method === 'CASH') {
    return inTransaction(deps.db, async (trx) => {
      const order = await recordCounterSale(trx, { ...sale, settlement: 'NOW' })
      const redeemed = await redeemGiftCards(trx, {
        codes: giftCardCodes,
        orderId: order.id,
        currencyCode,
        dueMinor: order.total_minor,
        actor: sale.actor,
        now,
      })
      const giftCardsMinor = redeemed.reduce((sum, card) => sum + card.amountMinor, 0)
      await recordGiftCardPayment(trx, order, giftCardsMinor, now)
      const dueMinor = order.total_minor - giftCardsMinor
      const { changeMinor } = await takeCashPayment(trx, order, payment.tenderedMinor ?? 0, now, dueMinor)
      return { orderId: order.id, changeMinor, currencyCode, cardOnReader: false }
    })
  }
  const cardDueAt = new Date(now.getTime() + deps.paymentTimeoutMinutes * 60_000)
  const pending = await inTransaction(deps.db, (trx) => recordCounterSale(trx, { ...sale, settlement: { cardDueAt } }))
  return takeCard(deps, pending, payment.readerId, sale)
}

type Caller = { actor: OrderActor; now: Date }

async function takeCard(
  deps: TillSaleDeps,
  sale: SalesOrderRow,
  readerId: string | null,
  { actor, now }: Caller,
): Promise<SaleOutcome> {
  const { cardOnReader } = await finishCardSale({ ...deps, actor, now }, sale, readerId ?? '')
  return { orderId: sale.id, changeMinor: null, currencyCode: sale.currency_code, cardOnReader }
}

/** What a till sees of a sale it already recorded: the change it gave, or the card still to finish. */
async function replaySale(
  deps: TillSaleDeps,
  sale: SalesOrderRow,
  readerId: string | null,
  caller: Caller,
): Promise<SaleOutcome> {
  if (canTransition(sale.status, 'COLLECTED', sale.channel, caller.actor.type)) {
    return takeCard(deps, sale, readerId, caller)
  }
  if (sale.status !== 'COLLECTED') throw new SaleAbandonedError()
  const cash = (await findPaymentsOfOrders(deps.db, [sale.id])).find((payment) => payment.provider === 'CASH')
  return {
    orderId: sale.id,
    changeMinor: cash?.change_minor ?? null,
    currencyCode: sale.currency_code,
    cardOnReader: false,
  }
}

/** The sale recorded under this key, if it is the one the till sends again; refused if it is another. */
async function findReplay(
  db: Db,
  storeId: string,
  key: string,
  lines: PricedSaleLine[],
): Promise<SalesOrderRow | null> {
  const sale = await findCounterSaleByKey(db, storeId, key)
  if (!sale) return null
  if (!isSameSale(await findOrderLines(db, sale.id), lines)) throw new SaleKeyReusedError()
  return sale
}
