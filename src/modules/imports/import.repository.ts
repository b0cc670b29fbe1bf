import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { Channel, ProductImage, ProductOption, SelectedOption } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { timeOrderedUuid } from '../shared/time-ordered-uuid.js'

/**
 * The bulk import's SQL: a batch of rows per statement, passed as one JSON array and unpacked by
 * json_to_recordset, so a thousand lines cost a handful of round trips. `json`, not `jsonb`: the
 * array is read once, field by field, and building a jsonb tree first (its keys sorted per object)
 * was a tenth of the database's work during an import. Upserts change a row
 * only when it differs (`IS DISTINCT FROM`) and return only the rows they changed, so running the
 * same file twice changes nothing and counts nothing.
 */

/**
 * New rows get time-ordered ids (timeOrderedUuid): a batch's thousands of inserts then append to
 * each primary key's last leaf instead of touching a random leaf per row.
 */
function withNewIds<T extends object>(rows: readonly T[]): (T & { id: string })[] {
  return rows.map((row) => ({ id: timeOrderedUuid(), ...row }))
}

export function findStores(db: Db) {
  return db.selectFrom('store').select(['id', 'code', 'currency_code']).execute()
}

export function findCategories(db: Db) {
  return db.selectFrom('category').select(['id', 'slug']).execute()
}

export interface ProductState {
  id: string
  slug: string
  title: string
  description: string
  category_id: string | null
  options: ProductOption[]
  images: ProductImage[]
  active: boolean
  archived_at: Date | string | null
}

export function lockProductsBySlug(trx: Trx, slugs: readonly string[]): Promise<ProductState[]> {
  if (slugs.length === 0) return Promise.resolve([])
  return trx
    .selectFrom('product')
    .select(['id', 'slug', 'title', 'description', 'category_id', 'options', 'images', 'active', 'archived_at'])
    .where('slug', '=', sql<string>`ANY(${[...slugs]}::text[])`)
    .orderBy('slug')
    .forUpdate()
    .execute()
}

export interface VariantState {
  id: string
  product_id: string
  sku: string
  barcode: string | null
  title: string
  price_minor: number
  compare_at_price_minor: number | null
  currency_code: string
  tax_rate_bp: number
  position: number
  selected_options: SelectedOption[]
  active: boolean
  archived_at: Date | string | null
}

/** The variants named by SKU, and every variant of the products named, locked in SKU order. */
export function lockVariants(
  trx: Trx,
  skus: readonly string[],
  productIds: readonly string[],
): Promise<VariantState[]> {
  if (skus.length === 0 && productIds.length === 0) return Promise.resolve([])
  return trx
    .selectFrom('variant')
    .select([
      'id',
      'product_id',
      'sku',
      'barcode',
      'title',
      'price_minor',
      'compare_at_price_minor',
      'currency_code',
      'tax_rate_bp',
      'position',
      'selected_options',
      'active',
      'archived_at',
    ])
    .where((where) =>
      where.or([
        where('sku', '=', sql<string>`ANY(${[...skus]}::text[])`),
        where('product_id', '=', sql<string>`ANY(${[...productIds]}::uuid[])`),
      ]),
    )
    .orderBy('sku')
    .forUpdate()
    .execute()
}

export function findVariantsByBarcode(trx: Trx, barcodes: readonly string[]) {
  if (barcodes.length === 0) return Promise.resolve([])
  return trx
    .selectFrom('variant')
    .select(['sku', 'barcode'])
    .where('barcode', '=', sql<string>`ANY(${[...barcodes]}::text[])`)
    .execute()
}

export interface PermanentPrice {
  id: string
  variant_id: string
  store_id: string | null
  channel: Channel | null
  amount_minor: number
}

/** Overrides with no validity window: the ones a catalog file sets. */
export function lockPermanentPrices(trx: Trx, variantIds: readonly string[]): Promise<PermanentPrice[]> {
  if (variantIds.length === 0) return Promise.resolve([])
  return trx
    .selectFrom('price_override')
    .select(['id', 'variant_id', 'store_id', 'channel', 'amount_minor'])
    .where('variant_id', '=', sql<string>`ANY(${[...variantIds]}::uuid[])`)
    .where('starts_at', 'is', null)
    .where('ends_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute()
}

export interface ProductUpsert {
  slug: string
  title: string
  description: string
  category_id: string | null
  options: ProductOption[]
  images: ProductImage[]
}

export interface ChangedRow {
  id: string
  key: string
  inserted: boolean
}

/**
 * Inserts the products whose slug `existing` lacks and updates the others where they differ, in
 * one statement. The caller has just read (and locked) the existing ones, so a plain INSERT does
 * for the new: ON CONFLICT would pay a speculative insertion per row (an extra index probe, a
 * lock taken and released, a second WAL record) to guard against a race the caller already
 * handles, since a slug another transaction inserts meanwhile refuses the batch, and its products
 * are then tried one by one.
 */
export async function upsertProducts(
  trx: Trx,
  rows: readonly ProductUpsert[],
  existing: ReadonlySet<string>,
): Promise<ChangedRow[]> {
  if (rows.length === 0) return []
  const result = await sql<ChangedRow>`
    WITH inserted AS (
      INSERT INTO product (id, slug, title, description, category_id, options, images)
      SELECT r.id, r.slug, r.title, r.description, r.category_id, r.options, r.images
      FROM json_to_recordset(${JSON.stringify(withNewIds(rows.filter((row) => !existing.has(row.slug))))}::json)
        AS r(id uuid, slug text, title text, description text, category_id uuid, options jsonb, images jsonb)
      RETURNING id, slug AS key, true AS inserted
    ), updated AS (
      UPDATE product SET
        title = r.title, description = r.description, category_id = r.category_id,
        options = r.options, images = r.images, updated_at = now()
      FROM json_to_recordset(${JSON.stringify(rows.filter((row) => existing.has(row.slug)))}::json)
        AS r(slug text, title text, description text, category_id uuid, options jsonb, images jsonb)
      WHERE product.slug = r.slug
        AND (product.title, product.description, product.category_id, product.options, product.images)
          IS DISTINCT FROM (r.title, r.description, r.category_id, r.options, r.images)
      RETURNING product.id, product.slug AS key, false AS inserted
    )
    SELECT id, key, inserted FROM inserted UNION ALL SELECT id, key, inserted FROM updated`.execute(trx)
  return result.rows
}

export interface VariantUpsert {
  product_id: string
  sku: string
  barcode: string | null
  title: string
  price_minor: number
  compare_at_price_minor: number | null
  currency_code: string
  tax_rate_bp: number
  position: number
  selected_options: SelectedOption[]
}

/** upsertProducts for variants, by SKU: `existing` holds the SKUs the caller read and locked. */
export async function upsertVariants(
  trx: Trx,
  rows: readonly VariantUpsert[],
  existing: ReadonlySet<string>,
): Promise<ChangedRow[]> {
  if (rows.length === 0) return []
  const result = await sql<ChangedRow>`
    WITH inserted AS (
      INSERT INTO variant (id, product_id, sku, barcode, title, price_minor, compare_at_price_minor, currency_code,
                           tax_rate_bp, position, selected_options)
      SELECT r.id, r.product_id, r.sku, r.barcode, r.title, r.price_minor, r.compare_at_price_minor, r.currency_code,
             r.tax_rate_bp, r.position, r.selected_options
      FROM json_to_recordset(${JSON.stringify(withNewIds(rows.filter((row) => !existing.has(row.sku))))}::json)
        AS r(id uuid, product_id uuid, sku text, barcode text, title text, price_minor integer, compare_at_price_minor integer,
             currency_code text, tax_rate_bp integer, position integer, selected_options jsonb)
      RETURNING id, sku AS key, true AS inserted
    ), updated AS (
      UPDATE variant SET
        product_id = r.product_id, barcode = r.barcode, title = r.title, price_minor = r.price_minor,
        compare_at_price_minor = r.compare_at_price_minor, currency_code = r.currency_code,
        tax_rate_bp = r.tax_rate_bp, position = r.position, selected_options = r.selected_options, updated_at = now()
      FROM json_to_recordset(${JSON.stringify(rows.filter((row) => existing.has(row.sku)))}::json)
        AS r(product_id uuid, sku text, barcode text, title text, price_minor integer, compare_at_price_minor integer,
             currency_code text, tax_rate_bp integer, position integer, selected_options jsonb)
      WHERE variant.sku = r.sku
        AND (variant.product_id, variant.barcode, variant.title, variant.price_minor, variant.compare_at_price_minor,
             variant.currency_code, variant.tax_rate_bp, variant.position, variant.selected_options)
          IS DISTINCT FROM (r.product_id, r.barcode, r.title, r.price_minor, r.compare_at_price_minor,
             r.currency_code, r.tax_rate_bp, r.position, r.selected_options)
      RETURNING variant.id, variant.sku AS key, false AS inserted
    )
    SELECT id, key, inserted FROM inserted UNION ALL SELECT id, key, inserted FROM updated`.execute(trx)
  return result.rows
}

export interface PriceInsert {
  variant_id: string
  store_id: string | null
  channel: Channel | null
  amount_minor: number
  created_by: string | null
}

export async function insertPrices(trx: Trx, rows: readonly PriceInsert[]): Promise<void> {
  if (rows.length === 0) return
  await sql`
    INSERT INTO price_override (id, variant_id, store_id, channel, amount_minor, created_by)
    SELECT r.id, r.variant_id, r.store_id, r.channel, r.amount_minor, r.created_by
    FROM json_to_recordset(${JSON.stringify(withNewIds(rows))}::json)
      AS r(id uuid, variant_id uuid, store_id uuid, channel text, amount_minor integer, created_by uuid)`.execute(trx)
}

export async function updatePriceAmounts(trx: Trx, rows: readonly { id: string; amount_minor: number }[]) {
  if (rows.length === 0) return
  await sql`
    UPDATE price_override SET amount_minor = r.amount_minor
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(id uuid, amount_minor integer)
    WHERE price_override.id = r.id`.execute(trx)
}
