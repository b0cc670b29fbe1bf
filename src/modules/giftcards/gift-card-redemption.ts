import type { GiftCardActorType, GiftCardRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { recordEvent } from '../events/event.service.js'
import { type GiftCardRefusal, GiftCardsRefusedError, TooManyGiftCardsError } from './gift-card.errors.js'
import * as giftCardRepository from './gift-card.repository.js'
import { findGiftCardByCode, isExpired } from './gift-card.service.js'

/** Enough for a drawer of small cards; more is a typo or a script. */
export const MAX_GIFT_CARDS_PER_ORDER = 5

export interface GiftCardRedemptionRequest {
  codes: readonly string[]
  orderId: string
  currencyCode: string
  /** What is left to pay: the cards, in the order given, pay up to this much together. */
  dueMinor: number
  actor: { type: GiftCardActorType; id: string | null }
  now: Date
}

export interface Redeemed {
  giftCardId: string
  amountMinor: number
}

/**
 * Pays what it can of an order from gift cards, in the order's transaction. The cards are locked
 * (in id order) before their balances are read, so two orders paying with one card run one after
 * the other and the second sees what the first left: a card is never overspent. Each card's
 * share is a REDEEM movement of the order. Any card that cannot pay refuses the whole order.
 */
export async function redeemGiftCards(trx: Trx, request: GiftCardRedemptionRequest): Promise<Redeemed[]> {
  if (request.codes.length === 0) return []
  if (request.codes.length > MAX_GIFT_CARDS_PER_ORDER) throw new TooManyGiftCardsError(MAX_GIFT_CARDS_PER_ORDER)
  const found = await Promise.all(request.codes.map((code) => findGiftCardByCode(trx, code)))
  const refusals: { index: number; code: GiftCardRefusal }[] = []
  const seen = new Set<string>()
  found.forEach((card, index) => {
    if (!card) refusals.push({ index, code: 'GIFT_CARD_UNKNOWN' })
    else if (seen.has(card.id)) refusals.push({ index, code: 'GIFT_CARD_DUPLICATE' })
    else seen.add(card.id)
  })
  if (refusals.length > 0) throw new GiftCardsRefusedError(refusals)
  const locked = new Map(
    (await giftCardRepository.lockGiftCards(trx, [...seen])).map((card) => [card.id, card] as const),
  )
  const cards = found.map((card) => locked.get((card as GiftCardRow).id) as GiftCardRow)
  cards.forEach((card, index) => {
    const refusal = refusalOf(card, request)
    if (refusal) refusals.push({ index, code: refusal })
  })
  if (refusals.length > 0) throw new GiftCardsRefusedError(refusals)

  const redeemed: Redeemed[] = []
  let dueMinor = request.dueMinor
  for (const card of cards) {
    const amountMinor = Math.min(card.balance_minor, dueMinor)
    if (amountMinor === 0) break
    // The row is locked: the condition holds; it stays as the guard the CHECK constraint backs.
    if (!(await giftCardRepository.debitGiftCard(trx, card.id, amountMinor))) {
      throw new Error(`gift card ${card.id} lost its balance while locked`)
    }
    await giftCardRepository.insertMovement(trx, {
      giftCardId: card.id,
      kind: 'REDEEM',
      amountMinor: -amountMinor,
      orderId: request.orderId,
      actor: request.actor,
      note: null,
    })
    await recordEvent(trx, {
      type: 'gift_card.redeemed',
      aggregateType: 'gift_card',
      aggregateId: card.id,
      payload: { giftCardId: card.id, orderId: request.orderId, amountMinor, currencyCode: card.currency_code },
    })
    redeemed.push({ giftCardId: card.id, amountMinor })
    dueMinor -= amountMinor
  }
  return redeemed
}

function refusalOf(card: GiftCardRow, request: GiftCardRedemptionRequest): GiftCardRefusal | null {
  if (card.currency_code !== request.currencyCode) return 'GIFT_CARD_CURRENCY_MISMATCH'
  if (isExpired(card, request.now)) return 'GIFT_CARD_EXPIRED'
  if (card.balance_minor === 0) return 'GIFT_CARD_EMPTY'
  return null
}

/**
 * Gives back to the cards that paid for an order up to `amountMinor` of what they paid and have
 * not had back (a return: REFUND; a cancelled or expired order: RELEASE), in card id order, in
 * the caller's transaction. Returns what went back to the cards; never more than they paid.
 */
export async function creditGiftCardsOfOrder(
  trx: Trx,
  request: {
    orderId: string
    amountMinor: number
    kind: 'REFUND' | 'RELEASE'
    actor: { type: GiftCardActorType; id: string | null }
  },
): Promise<number> {
  const outstanding = await giftCardRepository.findOutstandingRedemptions(trx, request.orderId)
  if (outstanding.size === 0) return 0
  await giftCardRepository.lockGiftCards(trx, [...outstanding.keys()])
  let leftMinor = request.amountMinor
  for (const [giftCardId, owedMinor] of outstanding) {
    const amountMinor = Math.min(owedMinor, leftMinor)
    if (amountMinor === 0) break
    await giftCardRepository.creditGiftCard(trx, giftCardId, amountMinor)
    await giftCardRepository.insertMovement(trx, {
      giftCardId,
      kind: request.kind,
      amountMinor,
      orderId: request.orderId,
      actor: request.actor,
      note: null,
    })
    await recordEvent(trx, {
      type: request.kind === 'REFUND' ? 'gift_card.refunded' : 'gift_card.released',
      aggregateType: 'gift_card',
      aggregateId: giftCardId,
      payload: { giftCardId, orderId: request.orderId, amountMinor },
    })
    leftMinor -= amountMinor
  }
  return request.amountMinor - leftMinor
}
