import type { Db } from '../../db/create-db.js'
import type { OrderGiftCardRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export async function insertSoldGiftCards(
  trx: Trx,
  orderId: string,
  cards: readonly { amountMinor: number; expiresAt: Date | null }[],
): Promise<void> {
  if (cards.length === 0) return
  await trx
    .insertInto('order_gift_card')
    .values(
      cards.map((card, index) => ({
        order_id: orderId,
        position: index + 1,
        amount_minor: card.amountMinor,
        expires_at: card.expiresAt,
      })),
    )
    .execute()
}

export function findSoldGiftCards(db: Db | Trx, orderIds: readonly string[]): Promise<OrderGiftCardRow[]> {
  if (orderIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('order_gift_card')
    .selectAll()
    .where('order_id', 'in', orderIds)
    .orderBy('order_id')
    .orderBy('position')
    .execute()
}

/** The sale's cards not issued yet, locked: a retried completion waits and then finds none. */
export function lockUnissuedGiftCards(trx: Trx, orderId: string): Promise<OrderGiftCardRow[]> {
  return trx
    .selectFrom('order_gift_card')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('gift_card_id', 'is', null)
    .orderBy('position')
    .forUpdate()
    .execute()
}

export async function markIssued(trx: Trx, orderId: string, position: number, giftCardId: string): Promise<void> {
  await trx
    .updateTable('order_gift_card')
    .set({ gift_card_id: giftCardId })
    .where('order_id', '=', orderId)
    .where('position', '=', position)
    .execute()
}
