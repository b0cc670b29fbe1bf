import type { Db } from '../../db/create-db.js'
import type { PromotionRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import type { promotionColumns } from './promotion-draft.js'

type PromotionColumns = ReturnType<typeof promotionColumns>

export function findPromotionsByIds(db: Db, ids: readonly string[]): Promise<PromotionRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('promotion').selectAll().where('id', 'in', ids).execute()
}

export function lockPromotion(trx: Trx, id: string): Promise<PromotionRow | undefined> {
  return trx.selectFrom('promotion').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export function insertPromotion(trx: Trx, columns: PromotionColumns, createdBy: string | null): Promise<PromotionRow> {
  return trx
    .insertInto('promotion')
    .values({ ...columns, created_by: createdBy })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function updatePromotion(trx: Trx, id: string, columns: PromotionColumns, now: Date): Promise<PromotionRow> {
  return trx
    .updateTable('promotion')
    .set({ ...columns, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function archivePromotion(trx: Trx, id: string, now: Date): Promise<PromotionRow> {
  return trx
    .updateTable('promotion')
    .set({ archived_at: now, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function codesOfPromotions(db: Db, ids: readonly string[]): Promise<Map<string, string[]>> {
  const byPromotion = new Map<string, string[]>(ids.map((id) => [id, []]))
  if (ids.length === 0) return byPromotion
  const rows = await db
    .selectFrom('promotion_code')
    .select(['code', 'promotion_id'])
    .where('promotion_id', 'in', ids)
    .orderBy('code')
    .execute()
  for (const row of rows) byPromotion.get(row.promotion_id)?.push(row.code)
  return byPromotion
}

/**
 * Gives the promotion exactly these codes. The codes already taken by another promotion are
 * returned (and the caller rolls back): the primary key is the arbiter, so two staff racing for
 * one code cannot both get it.
 */
export async function replaceCodes(trx: Trx, promotionId: string, codes: readonly string[]): Promise<string[]> {
  await trx.deleteFrom('promotion_code').where('promotion_id', '=', promotionId).execute()
  if (codes.length === 0) return []
  const inserted = await trx
    .insertInto('promotion_code')
    .values(codes.map((code) => ({ code, promotion_id: promotionId })))
    .onConflict((conflict) => conflict.column('code').doNothing())
    .returning('code')
    .execute()
  const taken = new Set(inserted.map((row) => row.code))
  return codes.filter((code) => !taken.has(code))
}

export async function countExistingStores(trx: Trx, storeIds: readonly string[]): Promise<number> {
  if (storeIds.length === 0) return 0
  const row = await trx
    .selectFrom('store')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('id', 'in', storeIds)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
