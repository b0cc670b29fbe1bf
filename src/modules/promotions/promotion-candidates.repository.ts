import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { PromotionRow } from '../../db/database.js'

/**
 * The promotions that might apply: every live automatic one in its window, and the code ones
 * the shopper named (in or out of their window, so the answer can say why one does not apply).
 * A promotion in another currency never applies, so it is not read.
 */
export function findCandidatePromotions(
  db: Db,
  query: { codes: readonly string[]; at: Date; currencyCode: string },
): Promise<(PromotionRow & { codes: string[] })[]> {
  const { codes, at, currencyCode } = query
  return db
    .selectFrom('promotion as p')
    .selectAll('p')
    .select(
      sql<
        string[]
      >`coalesce((SELECT array_agg(c.code ORDER BY c.code) FROM promotion_code c WHERE c.promotion_id = p.id), '{}')`.as(
        'codes',
      ),
    )
    .where('p.archived_at', 'is', null)
    .where((eb) => eb.or([eb('p.currency_code', 'is', null), eb('p.currency_code', '=', currencyCode)]))
    .where((eb) =>
      eb.or([
        eb.and([
          eb('p.kind', '=', 'AUTOMATIC'),
          eb.or([eb('p.starts_at', 'is', null), eb('p.starts_at', '<=', at)]),
          eb.or([eb('p.ends_at', 'is', null), eb('p.ends_at', '>', at)]),
        ]),
        ...(codes.length > 0
          ? [
              eb.exists(
                eb
                  .selectFrom('promotion_code as c')
                  .whereRef('c.promotion_id', '=', 'p.id')
                  .where('c.code', 'in', codes),
              ),
            ]
          : []),
      ]),
    )
    .execute()
}

/** Uses not given back, by promotion, of one customer. */
export async function countCustomerUses(
  db: Db,
  promotionIds: readonly string[],
  customerId: string,
): Promise<Map<string, number>> {
  if (promotionIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('promotion_usage')
    .select(['promotion_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('promotion_id', 'in', promotionIds)
    .where('customer_id', '=', customerId)
    .where('released_at', 'is', null)
    .groupBy('promotion_id')
    .execute()
  return new Map(rows.map((row) => [row.promotion_id, Number(row.n)]))
}

export interface VariantScopeRow {
  variant_id: string
  product_id: string
  /** The product's category and every ancestor of it. */
  category_ids: string[]
}

/** What a promotion can target about each variant: its product and its category ancestry, in one statement. */
export async function findVariantScopes(db: Db, variantIds: readonly string[]): Promise<VariantScopeRow[]> {
  if (variantIds.length === 0) return []
  const { rows } = await sql<VariantScopeRow>`
    WITH RECURSIVE targeted AS (
      SELECT v.id AS variant_id, v.product_id, pr.category_id
      FROM variant v JOIN product pr ON pr.id = v.product_id
      WHERE v.id = ANY(${[...new Set(variantIds)]}::uuid[])
    ), ancestry AS (
      SELECT t.variant_id, t.category_id AS id FROM targeted t WHERE t.category_id IS NOT NULL
      UNION
      SELECT a.variant_id, c.parent_id FROM ancestry a JOIN category c ON c.id = a.id WHERE c.parent_id IS NOT NULL
    )
    SELECT t.variant_id, t.product_id,
      coalesce((SELECT array_agg(a.id ORDER BY a.id) FROM ancestry a WHERE a.variant_id = t.variant_id), '{}') AS category_ids
    FROM targeted t`.execute(db)
  return rows
}
