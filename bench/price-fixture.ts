import { sql } from 'kysely'
import type { Db } from '../src/db/create-db.js'

/** How many products the priced listing shows: the products(first: 20) page. */
const LISTED_PRODUCTS = 20

/**
 * The priced listing's two stores: one whose listed variants all have overrides, and the
 * scenarios' own store, which has none of its own (so its page prices exactly as before).
 * Every listed variant gets, in the first store: a standing store price, a standing store+WEB
 * price, a store+WEB sale that has ended and one not yet started (candidates the rule must look at
 * and pass over); and everywhere an APP price (a channel override the WEB page skips). No WEB
 * channel-only override, so the other scenarios' prices (WEB, no store) stay the base prices.
 * Run again, it replaces its own overrides.
 */
export async function preparePricedStores(
  db: Db,
  plainStoreId: string,
): Promise<{ overridden: string; plain: string }> {
  const other = await db
    .selectFrom('store')
    .select('id')
    .where('id', '!=', plainStoreId)
    .orderBy('code')
    .executeTakeFirstOrThrow()
  const variantIds = (
    await db
      .selectFrom('variant')
      .select('variant.id')
      .where('variant.active', '=', true)
      .where(
        'variant.product_id',
        'in',
        db
          .selectFrom('product')
          .select('product.id')
          .where('product.active', '=', true)
          .orderBy('product.slug')
          .limit(LISTED_PRODUCTS),
      )
      .execute()
  ).map((row) => row.id)
  await db
    .deleteFrom('price_override')
    .where('variant_id', 'in', variantIds)
    .where((eb) => eb.or([eb('store_id', '=', other.id), eb('channel', '=', 'APP')]))
    .execute()
  await sql`
    INSERT INTO price_override (variant_id, store_id, channel, amount_minor, starts_at, ends_at)
    SELECT v.id, o.store_id, o.channel, greatest(0, v.price_minor - o.off), o.starts_at, o.ends_at
    FROM variant AS v,
      (VALUES (${other.id}::uuid, NULL::text, 10, NULL::timestamptz, NULL::timestamptz),
              (${other.id}::uuid, 'WEB', 20, NULL, NULL),
              (${other.id}::uuid, 'WEB', 30, now() - interval '30 days', now() - interval '1 day'),
              (${other.id}::uuid, 'WEB', 40, now() + interval '1 day', now() + interval '30 days'),
              (NULL::uuid, 'APP', 50, NULL, NULL)) AS o(store_id, channel, off, starts_at, ends_at)
    WHERE v.id = ANY(${variantIds}::uuid[])`.execute(db)
  return { overridden: other.id, plain: plainStoreId }
}
