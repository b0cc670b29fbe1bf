import { type Kysely, sql } from 'kysely'
import { CHECKOUT_RULES_SQL_V2 } from '../src/modules/checkout/checkout-rules.v2.sql.js'
import { PROMOTION_USES_SQL_V1 } from '../src/modules/promotions/promotion-uses.v1.sql.js'

// Frozen: never edit after it has shipped. It runs versioned sources that are frozen too
// (promotion-uses.v1.sql.ts, checkout-rules.v2.sql.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  // Usage limits as functions of their own, then comptoir_place_orders redefined to apply them
  // and to write each order's discounts.
  for (const statement of PROMOTION_USES_SQL_V1) await sql.raw(statement).execute(db)
  for (const statement of CHECKOUT_RULES_SQL_V2) await sql.raw(statement).execute(db)

  // comptoir_read_checkouts as in 20261205000025, with the cart's discount codes. Its result
  // gains a column: dropped and created.
  await sql`DROP FUNCTION comptoir_read_checkouts(uuid[], uuid[], timestamptz)`.execute(db)
  await sql`
    CREATE FUNCTION comptoir_read_checkouts(cart_ids uuid[], store_ids uuid[], price_at timestamptz)
    RETURNS TABLE (id uuid, status text, customer_id uuid, currency_code char(3), last_channel text,
      discount_codes text[], version text, tokens jsonb, lines jsonb, holds jsonb, stores jsonb)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    AS $$
    #variable_conflict use_column
    BEGIN
      RETURN QUERY
      SELECT c.id, c.status, c.customer_id, c.currency_code, c.last_channel, c.discount_codes, c.xmin::text,
        (SELECT coalesce(jsonb_agg(jsonb_build_object('token_hash', t.token_hash, 'channel', t.channel)), '[]'::jsonb)
           FROM cart_token AS t WHERE t.cart_id = c.id),
        (SELECT coalesce(jsonb_agg(jsonb_build_object(
             'variant_id', l.variant_id, 'quantity', l.quantity, 'unit_price_minor', l.unit_price_minor,
             'prices', (SELECT jsonb_object_agg(s.store_id, p.price_minor)
                FROM unnest(store_ids) AS s(store_id)
                CROSS JOIN LATERAL comptoir_variant_price(l.variant_id, s.store_id, c.last_channel, price_at) AS p),
             'variant', jsonb_build_object('sku', v.sku, 'title', v.title, 'price_minor', v.price_minor,
               'tax_rate_bp', v.tax_rate_bp)
           ) ORDER BY l.position), '[]'::jsonb)
           FROM cart_line AS l JOIN variant AS v ON v.id = l.variant_id AND v.active
           WHERE l.cart_id = c.id),
        (SELECT coalesce(jsonb_agg(jsonb_build_object('store_id', h.store_id, 'variant_id', h.variant_id)), '[]'::jsonb)
           FROM cart_hold AS h WHERE h.cart_id = c.id),
        (SELECT coalesce(jsonb_object_agg(s.id, jsonb_build_object('id', s.id, 'opening_hours', s.opening_hours,
             'time_zone', s.time_zone, 'slot_minutes', s.slot_minutes, 'preparation_minutes', s.preparation_minutes,
             'slot_capacity', s.slot_capacity, 'special_days', s.special_days,
             'accepting_orders', s.accepting_orders)), '{}'::jsonb)
           FROM store AS s WHERE s.id = ANY(store_ids))
      FROM cart AS c
      WHERE c.id = ANY(cart_ids);
    END
    $$`.execute(db)
}
