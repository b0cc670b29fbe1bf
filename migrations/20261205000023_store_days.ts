import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // An emergency pause: the store takes no new orders while false; orders already placed go on.
  await sql`ALTER TABLE store ADD COLUMN accepting_orders boolean NOT NULL DEFAULT true`.execute(db)
  // Dates that differ from the weekly hours, keyed by the store's local date:
  // {"2026-12-25": [], "2026-12-24": [{"opens": "09:00", "closes": "14:00"}]} ([] = closed all day).
  // On the row, not in a table, because every slot and "open now" answer needs them with the
  // weekly hours, and the checkout reads the store in the same statement as the cart.
  await sql`ALTER TABLE store ADD COLUMN special_days jsonb NOT NULL DEFAULT '{}'::jsonb`.execute(db)

  // comptoir_read_checkouts as in 20261130000012, with the two new store columns in its store objects.
  await sql`
    CREATE OR REPLACE FUNCTION comptoir_read_checkouts(cart_ids uuid[], store_ids uuid[])
    RETURNS TABLE (id uuid, status text, customer_id uuid, currency_code char(3), last_channel text,
      version text, tokens jsonb, lines jsonb, holds jsonb, stores jsonb)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    AS $$
    #variable_conflict use_column
    BEGIN
      RETURN QUERY
      SELECT c.id, c.status, c.customer_id, c.currency_code, c.last_channel, c.xmin::text,
        (SELECT coalesce(jsonb_agg(jsonb_build_object('token_hash', t.token_hash, 'channel', t.channel)), '[]'::jsonb)
           FROM cart_token AS t WHERE t.cart_id = c.id),
        (SELECT coalesce(jsonb_agg(jsonb_build_object(
             'variant_id', l.variant_id, 'quantity', l.quantity,
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
