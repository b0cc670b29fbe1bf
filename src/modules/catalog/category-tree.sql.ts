import { sql } from 'kysely'

/**
 * The ids of a category and of every category below it, at any depth, as a subquery: the one
 * definition of "in this category" for the storefront's listing and the stock count's sheet.
 */
export function categoryAndDescendants(categoryId: string) {
  return sql<string>`(
    WITH RECURSIVE tree(id) AS (
      SELECT id FROM category WHERE id = ${categoryId}
      UNION
      SELECT category.id FROM category JOIN tree ON category.parent_id = tree.id
    )
    SELECT id FROM tree)`
}
