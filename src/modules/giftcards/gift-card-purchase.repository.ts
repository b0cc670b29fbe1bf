import type { Db } from '../../db/create-db.js'
import type { GiftCardPurchaseRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export interface NewGiftCardPurchase {
  amountMinor: number
  currencyCode: string
  recipientEmail: string
  message: string | null
  customerId: string | null
  idempotencyKey: string
}

/** Inserts unless the key is taken; undefined then, and the caller reads the purchase it names. */
export function insertPurchase(db: Db, purchase: NewGiftCardPurchase): Promise<GiftCardPurchaseRow | undefined> {
  return db
    .insertInto('gift_card_purchase')
    .values({
      amount_minor: purchase.amountMinor,
      currency_code: purchase.currencyCode,
      recipient_email: purchase.recipientEmail,
      message: purchase.message,
      customer_id: purchase.customerId,
      idempotency_key: purchase.idempotencyKey,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returningAll()
    .executeTakeFirst()
}

export function findPurchaseByKey(db: Db, idempotencyKey: string): Promise<GiftCardPurchaseRow | undefined> {
  return db
    .selectFrom('gift_card_purchase')
    .selectAll()
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst()
}

export function findPurchaseById(db: Db | Trx, id: string): Promise<GiftCardPurchaseRow | undefined> {
  return db.selectFrom('gift_card_purchase').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Stripe answers the same intent for the same key, so a second write can only agree with the first. */
export async function setProviderRef(db: Db, id: string, providerRef: string): Promise<void> {
  await db
    .updateTable('gift_card_purchase')
    .set({ provider_ref: providerRef })
    .where('id', '=', id)
    .where('provider_ref', 'is', null)
    .execute()
}

/** The purchase an event names, locked: by the id in the intent's metadata, else by the intent. */
export async function lockPurchase(
  trx: Trx,
  purchaseId: string | null,
  providerRef: string,
): Promise<GiftCardPurchaseRow | undefined> {
  const query = trx.selectFrom('gift_card_purchase').selectAll().forUpdate()
  return (
    (purchaseId ? await query.where('id', '=', purchaseId).executeTakeFirst() : undefined) ??
    (await query.where('provider_ref', '=', providerRef).executeTakeFirst())
  )
}

export async function markIssued(
  trx: Trx,
  id: string,
  issue: { giftCardId: string; providerRef: string; now: Date },
): Promise<void> {
  await trx
    .updateTable('gift_card_purchase')
    .set({ status: 'ISSUED', gift_card_id: issue.giftCardId, provider_ref: issue.providerRef, issued_at: issue.now })
    .where('id', '=', id)
    .execute()
}

export async function markFailed(trx: Trx, id: string): Promise<void> {
  await trx.updateTable('gift_card_purchase').set({ status: 'FAILED' }).where('id', '=', id).execute()
}

export async function addRefund(
  trx: Trx,
  id: string,
  refund: { refundedMinor: number; uncoveredMinor: number },
): Promise<void> {
  await trx
    .updateTable('gift_card_purchase')
    .set((eb) => ({
      refunded_minor: eb('refunded_minor', '+', refund.refundedMinor),
      refund_uncovered_minor: eb('refund_uncovered_minor', '+', refund.uncoveredMinor),
    }))
    .where('id', '=', id)
    .execute()
}
