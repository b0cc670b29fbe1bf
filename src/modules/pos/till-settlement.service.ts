import type { Db } from '../../db/create-db.js'
import type { SalesOrderRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import type { Logger } from '../../logger.js'
import { redeemGiftCards } from '../giftcards/gift-card-redemption.js'
import { giftCardsToSellMinor, type IssuedGiftCard, issueGiftCardsOfSale } from '../giftcards/gift-card-sale.service.js'
import { canTransition } from '../orders/order-state.js'
import { type OrderActor, stockActorOf } from '../orders/order-transition.js'
import { amountDueMinor } from '../payments/amount-due.js'
import { findPaymentsOfOrders, recordGiftCardPayment, takeCashPayment } from '../payments/payment.service.js'
import type { AppPayments } from '../payments/payment-setup.js'
import type { PosPayment } from './counter-payment.js'
import { SaleAbandonedError } from './pos-sale.errors.js'
import { type CounterSaleInput, recordCounterSale } from './pos-sale.service.js'
import { completeCardSale, finishCardSale } from './pos-sale-card.service.js'

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
  /** The gift cards this call issued, with their codes: shown once, never on a replay. */
  giftCards: IssuedGiftCard[]
}

type Caller = { actor: OrderActor; now: Date }

/**
 * Records the sale and settles it. Cash: one transaction records the sale, takes its gift cards
 * and the cash for the rest, and issues the cards it sells. Card: one transaction records the
 * sale pending with its units reserved and takes its gift cards, then the card is asked (after
 * the commit) for only what they left; if it fails, abandoning the sale gives them back.
 */
export async function recordSale(
  deps: TillSaleDeps,
  sale: Omit<CounterSaleInput, 'settlement'>,
  payment: PosPayment,
  giftCardCodes: readonly string[],
): Promise<SaleOutcome> {
  const { currencyCode, now } = sale
  if (payment.method === 'CASH') {
    return inTransaction(deps.db, async (trx) => {
      const order = await recordCounterSale(trx, { ...sale, settlement: 'NOW' })
      const dueMinor = await payWithGiftCards(trx, order, giftCardCodes, sale)
      const { changeMinor } = await takeCashPayment(trx, order, payment.tenderedMinor ?? 0, now, dueMinor)
      const giftCards = await issueGiftCardsOfSale(trx, order, stockActorOf(sale.actor), now)
      return { orderId: order.id, changeMinor, currencyCode, cardOnReader: false, giftCards }
    })
  }
  const cardDueAt = new Date(now.getTime() + deps.paymentTimeoutMinutes * 60_000)
  const recorded = await inTransaction(deps.db, async (trx) => {
    const order = await recordCounterSale(trx, { ...sale, settlement: { cardDueAt } })
    const dueMinor = await payWithGiftCards(trx, order, giftCardCodes, sale)
    // Gift cards paid it all: nothing goes on the reader.
    const giftCards = dueMinor === 0 ? await completeCardSale(trx, order, { ...sale, note: 'paid by gift card' }) : []
    return { order, dueMinor, giftCards }
  })
  if (recorded.dueMinor === 0) {
    return {
      orderId: recorded.order.id,
      changeMinor: null,
      currencyCode,
      cardOnReader: false,
      giftCards: recorded.giftCards,
    }
  }
  return takeCard(deps, recorded.order, payment.readerId, sale)
}

/**
 * Gift cards pay first, up to the goods' discounted total (a gift card sold in the sale is never
 * paid with gift cards), as one GIFT_CARD payment. Answers what is left for cash or the card
 * (amountDueMinor): the rest of the goods plus the gift cards sold.
 */
async function payWithGiftCards(
  trx: Trx,
  order: SalesOrderRow,
  codes: readonly string[],
  sale: Pick<CounterSaleInput, 'giftCards' | 'actor' | 'now'>,
): Promise<number> {
  const redeemed = await redeemGiftCards(trx, {
    codes,
    orderId: order.id,
    currencyCode: order.currency_code,
    dueMinor: order.total_minor - giftCardsToSellMinor(sale.giftCards),
    actor: stockActorOf(sale.actor),
    now: sale.now,
  })
  const giftCardsMinor = redeemed.reduce((sum, card) => sum + card.amountMinor, 0)
  await recordGiftCardPayment(trx, order, giftCardsMinor, sale.now)
  return amountDueMinor(order, await findPaymentsOfOrders(trx, [order.id]))
}

async function takeCard(
  deps: TillSaleDeps,
  sale: SalesOrderRow,
  readerId: string | null,
  { actor, now }: Caller,
): Promise<SaleOutcome> {
  const step = await finishCardSale({ ...deps, actor, now }, sale, readerId ?? '')
  return { ...step, changeMinor: null, currencyCode: sale.currency_code }
}

/** What a till sees of a sale it already recorded: the change it gave, or the card still to finish. */
export async function replaySale(
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
    giftCards: [],
  }
}
