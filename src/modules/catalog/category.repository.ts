import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { CategoryRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

/** Every move in the tree takes this lock, so two moves cannot each pass the cycle check and form a loop. */
const CATEGORY_TREE_LOCK = 0x6361_7467 // "catg"

export function lockCategoryTree(trx: Trx): Promise<unknown> {
  return sql`SELECT pg_advisory_xact_lock(${CATEGORY_TREE_LOCK}::int)`.execute(trx)
}

/** The category, its parent, its parent's parent… up to the root (stops on a loop, should one exist). */
export async function findAncestorIds(db: Db, categoryId: string): Promise<string[]> {
  const result = await sql<{ id: string }>`
    WITH RECURSIVE up(id, parent_id) AS (
      SELECT id, parent_id FROM category WHERE id = ${categoryId}
      UNION
      SELECT category.id, category.parent_id FROM category JOIN up ON category.id = up.parent_id
    )
    SELECT id FROM up`.execute(db)
  return result.rows.map((row) => row.id)
}

export function lockCategory(trx: Trx, categoryId: string): Promise<CategoryRow | undefined> {
  return trx.selectFrom('category').selectAll().where('id', '=', categoryId).forUpdate().executeTakeFirst()
}

export function findCategoryBySlug(db: Db, slug: string): Promise<CategoryRow | undefined> {
  return db.selectFrom('category').selectAll().where('slug', '=', slug).executeTakeFirst()
}

/** A new category, or a moved one, goes last among its siblings. */
function nextPosition(parentId: string | null) {
  return sql<number>`(SELECT coalesce(max(position) + 1, 0) FROM category WHERE parent_id IS NOT DISTINCT FROM ${parentId}::uuid)`
}

export function insertCategory(
  trx: Trx,
  category: { name: string; slug: string; parentId: string | null },
): Promise<CategoryRow> {
  return trx
    .insertInto('category')
    .values({
      name: category.name,
      slug: category.slug,
      parent_id: category.parentId,
      position: nextPosition(category.parentId),
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function updateCategory(
  trx: Trx,
  categoryId: string,
  changes: { name?: string; slug?: string; parentId?: string | null },
): Promise<CategoryRow> {
  return trx
    .updateTable('category')
    .set({
      name: changes.name,
      slug: changes.slug,
      ...(changes.parentId === undefined
        ? {}
        : { parent_id: changes.parentId, position: nextPosition(changes.parentId) }),
    })
    .where('id', '=', categoryId)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function findChildrenOf(db: Db, parentIds: readonly string[]): Promise<CategoryRow[]> {
  if (parentIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('category')
    .selectAll()
    .where('parent_id', 'in', parentIds)
    .orderBy('parent_id')
    .orderBy('position')
    .orderBy('name')
    .execute()
}
