import type { Db } from '../../db/create-db.js'
import type {
  GiftCardActorType,
  GiftCardIssuedChannel,
  GiftCardMovementKind,
  GiftCardMovementRow,
  GiftCardRow,
} from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export interface NewGiftCard {
  codeLookup: string
  codeHash: string
  lastCharacters: string
  currencyCode: string
  amountMinor: number
  expiresAt: Date | null
  customerId: string | null
  issuedBy: { type: GiftCardActorType; id: string | null }
  channel: GiftCardIssuedChannel
  storeId: string | null
}

export interface NewMovement {
  giftCardId: string
  kind: GiftCardMovementKind
  amountMinor: number
  orderId: string | null
  actor: { type: GiftCardActorType; id: string | null }
  note: string | null
}

export function insertGiftCard(trx: Trx, card: NewGiftCard): Promise<GiftCardRow> {
  return trx
    .insertInto('gift_card')
    .values({
      code_lookup: card.codeLookup,
      code_hash: card.codeHash,
      last_characters: card.lastCharacters,
      currency_code: card.currencyCode,
      initial_amount_minor: card.amountMinor,
      balance_minor: card.amountMinor,
      expires_at: card.expiresAt,
      customer_id: card.customerId,
      issued_by_type: card.issuedBy.type,
      issued_by_id: card.issuedBy.id,
      issued_channel: card.channel,
      issued_store_id: card.storeId,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function insertMovement(trx: Trx, movement: NewMovement): Promise<void> {
  await trx
    .insertInto('gift_card_movement')
    .values({
      gift_card_id: movement.giftCardId,
      kind: movement.kind,
      amount_minor: movement.amountMinor,
      order_id: movement.orderId,
      actor_type: movement.actor.type,
      actor_id: movement.actor.id,
      note: movement.note,
    })
    .execute()
}

/** The cards whose code starts with this group: the caller picks the one whose hash matches. */
export function findGiftCardsByLookup(db: Db | Trx, codeLookup: string): Promise<GiftCardRow[]> {
  return db.selectFrom('gift_card').selectAll().where('code_lookup', '=', codeLookup).execute()
}

export function findGiftCardsByIds(db: Db | Trx, ids: readonly string[]): Promise<GiftCardRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('gift_card').selectAll().where('id', 'in', ids).execute()
}

export function findMovements(db: Db | Trx, giftCardId: string): Promise<GiftCardMovementRow[]> {
  return db.selectFrom('gift_card_movement').selectAll().where('gift_card_id', '=', giftCardId).orderBy('id').execute()
}

/** The cards locked for this transaction, in id order so that two orders never wait on each other crosswise. */
export function lockGiftCards(trx: Trx, ids: readonly string[]): Promise<GiftCardRow[]> {
  return trx.selectFrom('gift_card').selectAll().where('id', 'in', ids).orderBy('id').forUpdate().execute()
}

/** Takes an amount off a card; false, changing nothing, when the balance does not cover it. */
export async function debitGiftCard(trx: Trx, id: string, amountMinor: number): Promise<boolean> {
  const result = await trx
    .updateTable('gift_card')
    .set((eb) => ({ balance_minor: eb('balance_minor', '-', amountMinor) }))
    .where('id', '=', id)
    .where('balance_minor', '>=', amountMinor)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** What each card paid for an order and has not had back yet, by card id. */
export async function findOutstandingRedemptions(trx: Trx, orderId: string): Promise<Map<string, number>> {
  const rows = await trx
    .selectFrom('gift_card_movement')
    .select(['gift_card_id', (eb) => eb.fn.sum<string>('amount_minor').as('net')])
    .where('order_id', '=', orderId)
    .where('kind', 'in', ['REDEEM', 'REFUND', 'RELEASE'])
    .groupBy('gift_card_id')
    .orderBy('gift_card_id')
    .execute()
  return new Map(rows.flatMap((row) => (Number(row.net) < 0 ? [[row.gift_card_id, -Number(row.net)] as const] : [])))
}

export async function creditGiftCard(trx: Trx, id: string, amountMinor: number): Promise<void> {
  await trx
    .updateTable('gift_card')
    .set((eb) => ({ balance_minor: eb('balance_minor', '+', amountMinor) }))
    .where('id', '=', id)
    .execute()
}

/** Moves a balance by a signed amount, only while it stays within 0..initial; undefined otherwise. */
export function adjustGiftCardBalance(trx: Trx, id: string, amountMinor: number): Promise<GiftCardRow | undefined> {
  return trx
    .updateTable('gift_card')
    .set((eb) => ({ balance_minor: eb('balance_minor', '+', amountMinor) }))
    .where('id', '=', id)
    .where((eb) =>
      eb.and([
        eb(eb('balance_minor', '+', amountMinor), '>=', 0),
        eb(eb('balance_minor', '+', amountMinor), '<=', eb.ref('initial_amount_minor')),
      ]),
    )
    .returningAll()
    .executeTakeFirst()
}
