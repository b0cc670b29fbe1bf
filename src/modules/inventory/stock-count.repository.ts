import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { StockCountLineRow, StockCountRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { categoryAndDescendants } from '../catalog/category-tree.sql.js'

export function insertCount(
  trx: Trx,
  count: { storeId: string; categoryId: string | null; openedBy: string | null },
): Promise<StockCountRow> {
  return trx
    .insertInto('stock_count')
    .values({ store_id: count.storeId, category_id: count.categoryId, opened_by: count.openedBy })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** The variant (by its product_id column) belongs to a product of this category or any category below it. */
function productInCategoryTree(productIdColumn: string, categoryId: string) {
  return sql<boolean>`${sql.ref(productIdColumn)} IN (
    SELECT p.id FROM product p WHERE p.category_id IN ${categoryAndDescendants(categoryId)})`
}

/**
 * The store's levels of active variants (in the category's subtree when given), share-locked in
 * variant order: a writer moving one of them has committed before we read it, and the next waits
 * until our transaction ends.
 */
export function lockLevelsInScope(
  trx: Trx,
  storeId: string,
  categoryId: string | null,
): Promise<{ variant_id: string; on_hand: number }[]> {
  let query = trx
    .selectFrom('inventory_level as l')
    .innerJoin('variant as v', 'v.id', 'l.variant_id')
    .select(['l.variant_id', 'l.on_hand'])
    .where('l.store_id', '=', storeId)
    .where('v.active', '=', true)
  if (categoryId !== null) {
    query = query.where(productInCategoryTree('v.product_id', categoryId))
  }
  return query.orderBy('l.variant_id').forShare('l').execute()
}

/** Active variants among these that belong to the category's subtree (any category when null). */
export async function findVariantsInScope(
  db: Db,
  categoryId: string | null,
  variantIds: readonly string[],
): Promise<Set<string>> {
  if (variantIds.length === 0) return new Set()
  let query = db
    .selectFrom('variant')
    .select('variant.id')
    .where('variant.id', 'in', variantIds)
    .where('active', '=', true)
  if (categoryId !== null) {
    query = query.where(productInCategoryTree('variant.product_id', categoryId))
  }
  return new Set((await query.execute()).map((row) => row.id))
}

/**
 * The ledger's highest id. Read while the levels are locked, every later movement of those
 * levels gets a higher id: their writers lock the level before adding their ledger row.
 */
export async function latestMovementId(trx: Trx): Promise<string> {
  const row = await trx
    .selectFrom('stock_movement')
    .select(sql<string>`coalesce(max(id), 0)::text`.as('id'))
    .executeTakeFirstOrThrow()
  return row.id
}

const LINES_PER_INSERT = 10_000

export async function insertCountLines(
  trx: Trx,
  countId: string,
  lines: readonly { variantId: string; expected: number; seenMovementId: string }[],
): Promise<void> {
  for (let start = 0; start < lines.length; start += LINES_PER_INSERT) {
    await trx
      .insertInto('stock_count_line')
      .values(
        lines.slice(start, start + LINES_PER_INSERT).map((line) => ({
          count_id: countId,
          variant_id: line.variantId,
          expected: line.expected,
          seen_movement_id: line.seenMovementId,
        })),
      )
      .execute()
  }
}

/** Records a counted quantity and refreshes the line's snapshot; adds the line when the sheet lacked it. */
export async function recordCountLine(
  trx: Trx,
  line: {
    countId: string
    variantId: string
    expected: number
    seenMovementId: string
    counted: number
    recordedBy: string | null
  },
): Promise<void> {
  const values = {
    expected: line.expected,
    seen_movement_id: line.seenMovementId,
    counted: line.counted,
    recorded_by: line.recordedBy,
    recorded_at: sql<Date>`now()`,
  }
  await trx
    .insertInto('stock_count_line')
    .values({ count_id: line.countId, variant_id: line.variantId, ...values })
    .onConflict((oc) => oc.columns(['count_id', 'variant_id']).doUpdateSet(values))
    .execute()
}

/** The count row, locked: records and the apply of one count run one at a time. */
export function lockCount(trx: Trx, id: string): Promise<StockCountRow | undefined> {
  return trx.selectFrom('stock_count').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export function findCountsByIds(db: Db, ids: readonly string[]): Promise<StockCountRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('stock_count').selectAll().where('id', 'in', ids).execute()
}

export function findCountLines(db: Db, countIds: readonly string[]): Promise<StockCountLineRow[]> {
  if (countIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('stock_count_line')
    .selectAll()
    .where('count_id', 'in', countIds)
    .orderBy('count_id')
    .orderBy('variant_id')
    .execute()
}

/** Which of these variants already have a line on the count. */
export async function findVariantsOnCount(
  trx: Trx,
  countId: string,
  variantIds: readonly string[],
): Promise<Set<string>> {
  if (variantIds.length === 0) return new Set()
  const rows = await trx
    .selectFrom('stock_count_line')
    .select('variant_id')
    .where('count_id', '=', countId)
    .where('variant_id', 'in', variantIds)
    .execute()
  return new Set(rows.map((row) => row.variant_id))
}

/** Recorded lines whose level's on hand moved (a ledger row) after the line's snapshot. */
export async function findStaleLines(trx: Trx, countId: string, storeId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('stock_count_line as c')
    .select('c.variant_id')
    .where('c.count_id', '=', countId)
    .where('c.counted', 'is not', null)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('stock_movement as m')
          .select('m.id')
          .where('m.store_id', '=', storeId)
          .whereRef('m.variant_id', '=', 'c.variant_id')
          .whereRef('m.id', '>', 'c.seen_movement_id')
          .where('m.on_hand_delta', '<>', 0),
      ),
    )
    .orderBy('c.variant_id')
    .execute()
  return rows.map((row) => row.variant_id)
}

export function markApplied(trx: Trx, id: string, appliedBy: string | null): Promise<StockCountRow> {
  return trx
    .updateTable('stock_count')
    .set({ status: 'APPLIED', applied_by: appliedBy, applied_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}
