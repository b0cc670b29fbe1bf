import { type Kysely, sql } from 'kysely'
import { PRICE_RULE_SQL_V1 } from '../src/modules/pricing/price-rule.v1.sql.js'

// Frozen: never edit after it has shipped. It runs a versioned source that is frozen too
// (pricing/price-rule.v1.sql.ts): the rule's text lives beside the code that calls it.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of PRICE_RULE_SQL_V1) await sql.raw(statement).execute(db)

  // The unit price the shopper was shown when the line last changed (or its store did): the cart's
  // totals and the order are made from it, and the checkout compares it with the rule's price.
  // Existing lines were shown the base price, the only one there was.
  await sql`ALTER TABLE cart_line ADD COLUMN unit_price_minor integer CHECK (unit_price_minor >= 0)`.execute(db)
  await sql`UPDATE cart_line AS l SET unit_price_minor = v.price_minor FROM variant AS v WHERE v.id = l.variant_id`.execute(
    db,
  )
  await sql`ALTER TABLE cart_line ALTER COLUMN unit_price_minor SET NOT NULL`.execute(db)

  // comptoir_read_cart_for_write as in 20261205000021, and the prices of the variants it returns
  // ({variant id: {channel: price}}) at the store the cart will have after the write: the one the
  // write sets (price_store_set), else the cart's. The channel of a write is only known once its
  // token is checked, so every candidate channel is priced. New arguments: dropped and created.
  await sql`DROP FUNCTION comptoir_read_cart_for_write(uuid, uuid, uuid[], uuid, boolean)`.execute(db)
  await sql`
    CREATE FUNCTION comptoir_read_cart_for_write(wanted_cart_id uuid, wanted_customer_id uuid,
      wanted_variant_ids uuid[], wanted_store_id uuid, lock_cart boolean,
      price_store_set boolean, price_channels text[], price_at timestamptz)
    RETURNS TABLE (cart_row jsonb, cart_version text, token_rows jsonb, line_rows jsonb, hold_rows jsonb,
      variant_rows jsonb, price_rows jsonb, store_found boolean)
    LANGUAGE plpgsql VOLATILE
    SET plan_cache_mode = force_generic_plan
    AS $$
    DECLARE
      target uuid := wanted_cart_id;
    BEGIN
      IF target IS NULL AND wanted_customer_id IS NOT NULL THEN
        SELECT c.id INTO target FROM cart AS c WHERE c.customer_id = wanted_customer_id AND c.status = 'ACTIVE';
      END IF;
      IF lock_cart AND target IS NOT NULL THEN
        PERFORM 1 FROM cart AS c WHERE c.id = target FOR UPDATE;
      END IF;
      RETURN QUERY
      SELECT to_jsonb(c), c.xmin::text,
        (SELECT coalesce(jsonb_agg(jsonb_build_object('token_hash', t.token_hash, 'channel', t.channel)), '[]'::jsonb)
           FROM cart_token AS t WHERE t.cart_id = c.id),
        (SELECT coalesce(jsonb_agg(to_jsonb(l) ORDER BY l.position), '[]'::jsonb)
           FROM cart_line AS l WHERE l.cart_id = c.id),
        (SELECT coalesce(jsonb_agg(to_jsonb(h)), '[]'::jsonb) FROM cart_hold AS h WHERE h.cart_id = c.id),
        (SELECT coalesce(jsonb_agg(to_jsonb(v)), '[]'::jsonb) FROM variant AS v
           WHERE v.active AND (v.id = ANY(wanted_variant_ids)
             OR v.id IN (SELECT l.variant_id FROM cart_line AS l WHERE l.cart_id = c.id))),
        (SELECT coalesce(jsonb_object_agg(v.id, (
             SELECT jsonb_object_agg(ch.channel, p.price_minor)
             FROM unnest(price_channels) AS ch(channel)
             CROSS JOIN LATERAL comptoir_variant_price(v.id,
               CASE WHEN price_store_set THEN wanted_store_id ELSE c.pickup_store_id END, ch.channel, price_at) AS p
           )), '{}'::jsonb) FROM variant AS v
           WHERE v.active AND (v.id = ANY(wanted_variant_ids)
             OR v.id IN (SELECT l.variant_id FROM cart_line AS l WHERE l.cart_id = c.id))),
        EXISTS (SELECT 1 FROM store AS s WHERE s.id = wanted_store_id)
      FROM (SELECT 1) AS one LEFT JOIN cart AS c ON c.id = target;
    END
    $$`.execute(db)

  // comptoir_read_checkouts as in 20261205000023, with each line's stored unit price and the rule's
  // price now ({store id: price}) at each store asked for, for the cart's channel. New argument
  // (the instant to price at): dropped and created.
  await sql`DROP FUNCTION comptoir_read_checkouts(uuid[], uuid[])`.execute(db)
  await sql`
    CREATE FUNCTION comptoir_read_checkouts(cart_ids uuid[], store_ids uuid[], price_at timestamptz)
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
