import type { Db } from '../../db/create-db.js'
import type { GiftCardRow, OrderGiftCardRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import type { StockActor } from '../inventory/inventory.service.js'
import { issueGiftCard } from './gift-card.service.js'
import * as giftCardSaleRepository from './gift-card-sale.repository.js'

export interface GiftCardToSell {
  amountMinor: number
  expiresAt: Date | null
}

export interface IssuedGiftCard {
  giftCard: GiftCardRow
  /** Shown once, to the till that sold the card: only its hash is kept. */
  code: string
}

/** Writes the cards a till sale sells, in the sale's transaction; they are issued once it is paid. */
export function recordGiftCardsSold(trx: Trx, orderId: string, cards: readonly GiftCardToSell[]): Promise<void> {
  return giftCardSaleRepository.insertSoldGiftCards(trx, orderId, cards)
}

/**
 * Issues the cards a sale sold, in the transaction that finds it paid (cash at once, or the card
 * captured): each is a gift card of the sale's store and currency, issued on channel POS with its
 * ISSUE movement naming the sale. The rows are locked first, so a completion retried in parallel
 * issues nothing twice.
 */
export async function issueGiftCardsOfSale(
  trx: Trx,
  sale: { id: string; store_id: string; currency_code: string },
  actor: StockActor,
  now: Date,
): Promise<IssuedGiftCard[]> {
  const issued: IssuedGiftCard[] = []
  for (const sold of await giftCardSaleRepository.lockUnissuedGiftCards(trx, sale.id)) {
    const card = await issueGiftCard(
      trx,
      actor,
      {
        amountMinor: sold.amount_minor,
        currencyCode: sale.currency_code,
        customerId: null,
        expiresAt: sold.expires_at,
        storeId: sale.store_id,
        channel: 'POS',
        orderId: sale.id,
      },
      now,
    )
    await giftCardSaleRepository.markIssued(trx, sale.id, sold.position, card.giftCard.id)
    issued.push(card)
  }
  return issued
}

export function findGiftCardsSold(db: Db | Trx, orderIds: readonly string[]): Promise<OrderGiftCardRow[]> {
  return giftCardSaleRepository.findSoldGiftCards(db, orderIds)
}

/** What the cards a sale sells cost together: paid beside its goods, never with gift cards. */
export function giftCardsToSellMinor(cards: readonly GiftCardToSell[]): number {
  return cards.reduce((sum, card) => sum + card.amountMinor, 0)
}
