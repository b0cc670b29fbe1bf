import type { Db } from '../../db/create-db.js'
import type { CategoryRow } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { type AuditAuthor, recordAudit } from '../audit/audit.service.js'
import { CatalogInputError, catalogProblem, refuseProblems } from './catalog.errors.js'
import * as catalogRepository from './catalog.repository.js'
import { categoryChange } from './catalog-audit.js'
import { refusingTakenIdentifiers } from './catalog-identifiers.service.js'
import { slugFrom, slugProblem } from './catalog-rules.js'
import * as categoryRepository from './category.repository.js'

/** The category tree: a category sits under at most one parent, and never under itself. */

export async function assertCategoryExists(db: Db, categoryId: string, field: string[]): Promise<void> {
  const [category] = await catalogRepository.findCategoriesByIds(db, [categoryId])
  if (!category) throw new CatalogInputError([catalogProblem.unknownCategory(field)])
}

/** Creates a category, last among its siblings; its slug comes from its name unless given. */
export async function createCategory(
  db: Db,
  author: AuditAuthor,
  input: { name: string; slug: string | null; parentId: string | null },
): Promise<CategoryRow> {
  const slug = input.slug ?? slugFrom(input.name)
  const slugField = input.slug === null ? ['name'] : ['slug']
  refuseProblems([slugProblem(slug, slugField)])
  if (input.parentId !== null) await assertCategoryExists(db, input.parentId, ['parentId'])
  const checkSlug = () => assertCategorySlugFree(db, slug, null, slugField)
  await checkSlug()
  return refusingTakenIdentifiers(
    () =>
      inTransaction(db, async (trx) => {
        const category = await categoryRepository.insertCategory(trx, {
          name: input.name,
          slug,
          parentId: input.parentId,
        })
        await recordAudit(trx, author, categoryChange('CREATE', null, category))
        return category
      }),
    checkSlug,
  )
}

/**
 * Renames or moves a category (parentId null: to the top). A move takes the tree's lock, then
 * refuses a parent that is the category itself or below it (CATEGORY_CYCLE).
 */
export async function updateCategory(
  db: Db,
  author: AuditAuthor,
  categoryId: string,
  changes: { name?: string; slug?: string; parentId?: string | null },
): Promise<CategoryRow> {
  if (changes.slug !== undefined) refuseProblems([slugProblem(changes.slug, ['slug'])])
  const checkSlug = () =>
    changes.slug === undefined ? Promise.resolve() : assertCategorySlugFree(db, changes.slug, categoryId)
  await checkSlug()
  return refusingTakenIdentifiers(
    () =>
      inTransaction(db, async (trx) => {
        if (changes.parentId !== undefined) await categoryRepository.lockCategoryTree(trx)
        const before = await categoryRepository.lockCategory(trx, categoryId)
        if (!before) throw new CatalogInputError([catalogProblem.unknownCategory(['categoryId'])])
        const moving = changes.parentId !== undefined && changes.parentId !== before.parent_id
        if (moving && changes.parentId) {
          const ancestors = await categoryRepository.findAncestorIds(trx, changes.parentId)
          if (ancestors.length === 0) throw new CatalogInputError([catalogProblem.unknownCategory(['parentId'])])
          if (ancestors.includes(categoryId)) throw new CatalogInputError([catalogProblem.categoryCycle(['parentId'])])
        }
        const columns = { name: changes.name, slug: changes.slug, ...(moving ? { parentId: changes.parentId } : {}) }
        // Moving to where it already is changes nothing, and records nothing.
        if (Object.values(columns).every((value) => value === undefined)) return before
        const category = await categoryRepository.updateCategory(trx, categoryId, columns)
        await recordAudit(trx, author, categoryChange('UPDATE', before, category))
        return category
      }),
    checkSlug,
  )
}

async function assertCategorySlugFree(db: Db, slug: string, exceptId: string | null, field = ['slug']): Promise<void> {
  const holder = await categoryRepository.findCategoryBySlug(db, slug)
  if (holder && holder.id !== exceptId) throw new CatalogInputError([catalogProblem.slugTaken(field, 'category')])
}

/** The sub-categories of each parent, in their order. */
export async function findChildrenOf(db: Db, parentIds: readonly string[]): Promise<CategoryRow[][]> {
  const children = await categoryRepository.findChildrenOf(db, parentIds)
  return parentIds.map((parentId) => children.filter((child) => child.parent_id === parentId))
}
