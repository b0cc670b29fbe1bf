import type { Db } from '../../db/create-db.js'
import type { GiftCardRow } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { type AuditAuthor, recordAudit } from '../audit/audit.service.js'
import { recordEvent } from '../events/event.service.js'
import { NotFoundError } from '../shared/not-found.js'
import { GiftCardAdjustmentOutOfRangeError } from './gift-card.errors.js'
import * as giftCardRepository from './gift-card.repository.js'

/**
 * Staff correct a balance (a card sold for the wrong amount, a goodwill top-up back to its
 * value): an ADJUST movement with its reason, the audit entry and the event, in one transaction.
 */
export async function adjustGiftCard(
  db: Db,
  author: AuditAuthor,
  input: { giftCardId: string; amountMinor: number; reason: string },
): Promise<{ giftCard: GiftCardRow }> {
  return inTransaction(db, async (trx) => {
    const [before] = await giftCardRepository.lockGiftCards(trx, [input.giftCardId])
    if (!before) throw new NotFoundError('GiftCard', input.giftCardId)
    const giftCard = await giftCardRepository.adjustGiftCardBalance(trx, input.giftCardId, input.amountMinor)
    if (!giftCard) throw new GiftCardAdjustmentOutOfRangeError()
    await giftCardRepository.insertMovement(trx, {
      giftCardId: giftCard.id,
      kind: 'ADJUST',
      amountMinor: input.amountMinor,
      orderId: null,
      actor: author.actor,
      note: input.reason,
    })
    await recordAudit(trx, author, {
      entity: 'gift_card',
      entityId: giftCard.id,
      action: 'ADJUST',
      before: { balanceMinor: before.balance_minor },
      after: { balanceMinor: giftCard.balance_minor, reason: input.reason },
    })
    await recordEvent(trx, {
      type: 'gift_card.adjusted',
      aggregateType: 'gift_card',
      aggregateId: giftCard.id,
      payload: { giftCardId: giftCard.id, amountMinor: input.amountMinor, balanceMinor: giftCard.balance_minor },
    })
    return { giftCard }
  })
}
