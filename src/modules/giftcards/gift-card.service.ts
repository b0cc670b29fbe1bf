import type { Db } from '../../db/create-db.js'
import type { GiftCardIssuedChannel, GiftCardRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import type { ClientAttempts } from '../../limits/attempt-limits.js'
import { type AuditAuthor, recordAudit } from '../audit/audit.service.js'
import { findCustomersByIds } from '../customers/customer.service.js'
import { recordEvent } from '../events/event.service.js'
import type { StockActor } from '../inventory/inventory.service.js'
import { NotFoundError } from '../shared/not-found.js'
import { findStore } from '../stores/store.service.js'
import { GiftCardCurrencyMismatchError, GiftCardExpiryInPastError } from './gift-card.errors.js'
import * as giftCardRepository from './gift-card.repository.js'
import {
  giftCardCodeMatches,
  hashGiftCardCode,
  lastCharactersOf,
  lookupOf,
  newGiftCardCode,
  normaliseGiftCardCode,
} from './gift-card-code.js'

export interface GiftCardIssue {
  amountMinor: number
  currencyCode: string
  customerId: string | null
  expiresAt: Date | null
  storeId: string | null
  channel: GiftCardIssuedChannel
  orderId: string | null
}

/**
 * Issues a card in the caller's transaction: the card, its ISSUE movement (so the balance is the
 * sum of the ledger from the start), and its event. The code is returned here and nowhere else.
 * The POS sale of a card calls this inside the sale's transaction.
 */
export async function issueGiftCard(
  trx: Trx,
  actor: StockActor,
  issue: GiftCardIssue,
  now: Date,
): Promise<{ giftCard: GiftCardRow; code: string }> {
  if (issue.expiresAt && issue.expiresAt.getTime() <= now.getTime()) throw new GiftCardExpiryInPastError()
  const code = newGiftCardCode()
  const normalised = normaliseGiftCardCode(code) ?? code
  const giftCard = await giftCardRepository.insertGiftCard(trx, {
    codeLookup: lookupOf(normalised),
    codeHash: hashGiftCardCode(normalised),
    lastCharacters: lastCharactersOf(normalised),
    currencyCode: issue.currencyCode,
    amountMinor: issue.amountMinor,
    expiresAt: issue.expiresAt,
    customerId: issue.customerId,
    issuedBy: actor,
    channel: issue.channel,
    storeId: issue.storeId,
  })
  await giftCardRepository.insertMovement(trx, {
    giftCardId: giftCard.id,
    kind: 'ISSUE',
    amountMinor: issue.amountMinor,
    orderId: issue.orderId,
    actor,
    note: null,
  })
  await recordEvent(trx, {
    type: 'gift_card.issued',
    aggregateType: 'gift_card',
    aggregateId: giftCard.id,
    payload: {
      giftCardId: giftCard.id,
      amountMinor: issue.amountMinor,
      currencyCode: issue.currencyCode,
      channel: issue.channel,
      storeId: issue.storeId,
      orderId: issue.orderId,
    },
  })
  return { giftCard, code }
}

/** Staff issue a card from the back office or a till: checked, issued and audited in one transaction. */
export async function createGiftCard(
  db: Db,
  author: AuditAuthor,
  input: Omit<GiftCardIssue, 'channel' | 'orderId'>,
  now: Date,
): Promise<{ giftCard: GiftCardRow; code: string }> {
  if (input.customerId && (await findCustomersByIds(db, [input.customerId])).length === 0) {
    throw new NotFoundError('Customer', input.customerId)
  }
  if (input.storeId) {
    const store = await findStore(db, input.storeId)
    if (!store) throw new NotFoundError('Store', input.storeId)
    if (store.currency_code !== input.currencyCode) throw new GiftCardCurrencyMismatchError()
  }
  const channel: GiftCardIssuedChannel = author.channel === 'POS' ? 'POS' : 'BACK_OFFICE'
  return inTransaction(db, async (trx) => {
    const issued = await issueGiftCard(trx, author.actor, { ...input, channel, orderId: null }, now)
    await recordAudit(trx, author, {
      entity: 'gift_card',
      entityId: issued.giftCard.id,
      action: 'CREATE',
      before: null,
      // Never the code or its hash: the trail is read by more people than the card's holder.
      after: {
        amountMinor: input.amountMinor,
        currencyCode: input.currencyCode,
        customerId: input.customerId,
        expiresAt: input.expiresAt?.toISOString() ?? null,
        storeId: input.storeId,
        lastCharacters: issued.giftCard.last_characters,
      },
    })
    return issued
  })
}

/** The card a code names, or null: unknown and malformed codes look the same to the caller. */
export async function findGiftCardByCode(db: Db | Trx, code: string): Promise<GiftCardRow | null> {
  const normalised = normaliseGiftCardCode(code)
  if (!normalised) return null
  const candidates = await giftCardRepository.findGiftCardsByLookup(db, lookupOf(normalised))
  // Every candidate is compared, so the time does not depend on which one matched.
  let found: GiftCardRow | null = null
  for (const candidate of candidates) if (giftCardCodeMatches(normalised, candidate.code_hash)) found = candidate
  return found
}

export interface GiftCardBalance {
  giftCard: GiftCardRow
  expired: boolean
}

/**
 * A card's balance for whoever holds its code. The attempt is counted before the lookup, so
 * guessing codes stops after a few tries from one address; a right code gives its attempt back.
 */
export async function giftCardBalanceCounted(
  db: Db,
  attempts: ClientAttempts,
  code: string,
  now: Date,
): Promise<GiftCardBalance | null> {
  const attempt = await attempts.giftCardBalance()
  const giftCard = await findGiftCardByCode(db, code)
  if (!giftCard) return null
  await attempt.succeeded()
  return { giftCard, expired: isExpired(giftCard, now) }
}

export function isExpired(giftCard: Pick<GiftCardRow, 'expires_at'>, now: Date): boolean {
  return giftCard.expires_at !== null && new Date(giftCard.expires_at).getTime() <= now.getTime()
}

export function findGiftCardsByIds(db: Db, ids: readonly string[]) {
  return giftCardRepository.findGiftCardsByIds(db, ids)
}

export function findGiftCardMovements(db: Db, giftCardId: string) {
  return giftCardRepository.findMovements(db, giftCardId)
}
