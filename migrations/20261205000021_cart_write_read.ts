import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Everything a cart write reads, in one statement (see carts/cart-write.repository.ts): the cart
  // (by id, or the customer's active one) and its row version, tokens, every line, holds, the
  // variants on sale among its lines and the requested ones, and whether the store exists.
  // Why a function: with lock_cart it first takes the cart's row lock and only then reads, and a
  // VOLATILE plpgsql function reads each of its statements with a new snapshot, so what it returns
  // is the cart as the lock holder left it (one statement instead of a lock and a read). Its plan
  // is also made once per connection, as comptoir_read_checkouts's is.
  await sql`
    CREATE FUNCTION comptoir_read_cart_for_write(wanted_cart_id uuid, wanted_customer_id uuid,
      wanted_variant_ids uuid[], wanted_store_id uuid, lock_cart boolean)
    RETURNS TABLE (cart_row jsonb, cart_version text, token_rows jsonb, line_rows jsonb, hold_rows jsonb,
      variant_rows jsonb, store_found boolean)
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
        EXISTS (SELECT 1 FROM store AS s WHERE s.id = wanted_store_id)
      FROM (SELECT 1) AS one LEFT JOIN cart AS c ON c.id = target;
    END
    $$`.execute(db)
}
