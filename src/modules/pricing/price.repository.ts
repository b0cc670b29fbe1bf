import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { Channel, PriceOverrideRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import type { PriceContext } from './price.js'

// Every resolved price below comes from comptoir_variant_price (price-rule.v1.sql.ts); none of
// these queries decides a price itself.

export interface ResolvedPriceRow {
  variant_id: string
  price_minor: number
  override_id: string | null
  /** The context's store exists (or none was named): asked here so a listing costs no extra statement. */
  store_found: boolean
}

/** The price of each existing variant among `variantIds` in one context: one statement. */
export async function resolvePrices(db: Db, variantIds: readonly string[], context: PriceContext) {
  if (variantIds.length === 0) return []
  const { rows } = await sql<ResolvedPriceRow>`
    SELECT x.id AS variant_id, p.price_minor, p.override_id, ${storeFound(context.storeId)} AS store_found
    FROM unnest(${[...new Set(variantIds)]}::uuid[]) AS x(id)
    CROSS JOIN LATERAL comptoir_variant_price(x.id, ${context.storeId}::uuid, ${context.channel}::text,
      ${context.at}::timestamptz) AS p`.execute(db)
  return rows
}

function storeFound(storeId: string | null) {
  return sql<boolean>`(${storeId}::uuid IS NULL OR EXISTS (SELECT 1 FROM store WHERE id = ${storeId}::uuid))`
}

export interface PriceRangeRow {
  product_id: string
  min_minor: number
  max_minor: number
  currency_code: string
}

/**
 * The lowest and highest price of each product's variants on sale, in one context, and whether
 * the context's store exists: one statement (the store row answers even when no product has a
 * variant on sale).
 */
export async function findPriceRanges(db: Db, productIds: readonly string[], context: PriceContext) {
  if (productIds.length === 0) return { storeFound: true, rows: [] }
  const { rows } = await sql<PriceRangeRow & { store_found: boolean }>`
    SELECT r.*, f.store_found
    FROM (SELECT ${storeFound(context.storeId)} AS store_found) AS f
    LEFT JOIN (
      SELECT v.product_id, min(p.price_minor) AS min_minor, max(p.price_minor) AS max_minor,
        min(v.currency_code) AS currency_code
      FROM variant AS v
      CROSS JOIN LATERAL comptoir_variant_price(v.id, ${context.storeId}::uuid, ${context.channel}::text,
        ${context.at}::timestamptz) AS p
      WHERE v.product_id = ANY(${[...new Set(productIds)]}::uuid[]) AND v.active
      GROUP BY v.product_id
    ) AS r ON true`.execute(db)
  return {
    storeFound: rows[0]?.store_found ?? true,
    rows: rows.flatMap(({ store_found: _found, ...row }) => (row.product_id ? [row] : [])),
  }
}

export async function storeExists(db: Db, storeId: string): Promise<boolean> {
  const row = await db.selectFrom('store').select('id').where('id', '=', storeId).executeTakeFirst()
  return row !== undefined
}

export function findOverridesOfVariants(db: Db, variantIds: readonly string[]): Promise<PriceOverrideRow[]> {
  if (variantIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('price_override')
    .selectAll()
    .where('variant_id', 'in', variantIds)
    .orderBy('variant_id')
    .orderBy('created_at')
    .orderBy('id')
    .execute()
}

export function findOverridesByIds(db: Db, ids: readonly string[]): Promise<PriceOverrideRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('price_override').selectAll().where('id', 'in', ids).execute()
}

/**
 * The variant's row lock: price changes to one variant queue behind it, so two admins setting the
 * same scope and window at once update one override instead of adding two.
 */
export function lockVariantPrice(trx: Trx, variantId: string) {
  return trx
    .selectFrom('variant')
    .select(['id', 'price_minor', 'currency_code'])
    .where('id', '=', variantId)
    .forUpdate()
    .executeTakeFirst()
}

export async function updateBasePrice(trx: Trx, variantId: string, amountMinor: number): Promise<void> {
  await trx
    .updateTable('variant')
    .set({ price_minor: amountMinor, updated_at: sql`now()` })
    .where('id', '=', variantId)
    .execute()
}

export interface OverrideScope {
  variantId: string
  storeId: string | null
  channel: Channel | null
  startsAt: Date | null
  endsAt: Date | null
}

/** The override with exactly this scope and window, if one exists. */
export function findSameOverride(trx: Trx, scope: OverrideScope): Promise<PriceOverrideRow | undefined> {
  return trx
    .selectFrom('price_override')
    .selectAll()
    .where('variant_id', '=', scope.variantId)
    .where(sql<boolean>`store_id IS NOT DISTINCT FROM ${scope.storeId}::uuid`)
    .where(sql<boolean>`channel IS NOT DISTINCT FROM ${scope.channel}::text`)
    .where(sql<boolean>`starts_at IS NOT DISTINCT FROM ${scope.startsAt}::timestamptz`)
    .where(sql<boolean>`ends_at IS NOT DISTINCT FROM ${scope.endsAt}::timestamptz`)
    .orderBy('created_at', 'desc')
    .executeTakeFirst()
}

export function insertOverride(
  trx: Trx,
  scope: OverrideScope & { amountMinor: number; createdBy: string | null },
): Promise<PriceOverrideRow> {
  return trx
    .insertInto('price_override')
    .values({
      variant_id: scope.variantId,
      store_id: scope.storeId,
      channel: scope.channel,
      amount_minor: scope.amountMinor,
      starts_at: scope.startsAt,
      ends_at: scope.endsAt,
      created_by: scope.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function updateOverrideAmount(trx: Trx, id: string, amountMinor: number): Promise<PriceOverrideRow> {
  return trx
    .updateTable('price_override')
    .set({ amount_minor: amountMinor })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Deletes and answers the override as it was; undefined when it no longer exists. */
export function deleteOverride(trx: Trx, id: string): Promise<PriceOverrideRow | undefined> {
  return trx.deleteFrom('price_override').where('id', '=', id).returningAll().executeTakeFirst()
}
