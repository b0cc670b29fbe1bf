/**
 * The price rule, the one copy every path calls: catalog reads (price.repository.ts), cart writes
 * (comptoir_read_cart_for_write), both checkout paths (comptoir_read_checkouts) and the till
 * (priceSaleLines through resolvePrices).
 *
 * A variant's price for a store, a channel and an instant is the amount of the most specific
 * override in force at that instant, else the variant's base price (variant.price_minor):
 *   store + channel  >  store only  >  channel only  >  base.
 * An override is in force when starts_at <= at < ends_at (a missing bound is open), so scheduled
 * prices start and stop by themselves: nothing runs at the boundary, the rule is asked at an instant.
 * Among overrides of the same specificity in force together, the one that started last wins (no
 * start counts as the earliest), then the newest created, then the greatest id: a sale scheduled
 * over a standing override wins while it runs, and the answer never depends on the plan chosen.
 * No store (wanted_store NULL) considers channel-only overrides and the base price only.
 *
 * Why SQL: the cart write and the checkout read their carts in one statement each, and the price
 * must be resolved inside those statements; a TypeScript copy for the catalog would be a second
 * rule. LANGUAGE sql and STABLE with a single SELECT, so PostgreSQL inlines it into the caller's
 * query (a LATERAL call per variant costs one index probe on price_override_variant_idx).
 *
 * Frozen once shipped: migration 20261205000025 runs these statements. A change to the rule is a
 * new file (price-rule.v2.sql.ts) run by a new migration with CREATE OR REPLACE.
 */
export const PRICE_RULE_SQL_V1: readonly string[] = [
  `CREATE OR REPLACE FUNCTION comptoir_variant_price(wanted_variant uuid, wanted_store uuid, wanted_channel text,
    at timestamptz)
  RETURNS TABLE (price_minor integer, override_id uuid)
  LANGUAGE sql STABLE AS $$
    SELECT coalesce(o.amount_minor, v.price_minor), o.id
    FROM variant AS v
    LEFT JOIN LATERAL (
      SELECT p.id, p.amount_minor
      FROM price_override AS p
      WHERE p.variant_id = v.id
        AND (p.store_id IS NULL OR p.store_id = wanted_store)
        AND (p.channel IS NULL OR p.channel = wanted_channel)
        AND (p.starts_at IS NULL OR p.starts_at <= at)
        AND (p.ends_at IS NULL OR at < p.ends_at)
      ORDER BY (p.store_id IS NOT NULL) DESC, (p.channel IS NOT NULL) DESC,
        p.starts_at DESC NULLS LAST, p.created_at DESC, p.id DESC
      LIMIT 1
    ) AS o ON true
    WHERE v.id = wanted_variant
  $$`,
]
