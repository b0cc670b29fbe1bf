/**
 * A promotion's usage limits, one rule for every path that places an order: the checkout applies
 * it inside comptoir_place_orders (checkout-rules.v2.sql.ts), the till through
 * consumePromotionUses (promotion-usage.service.ts). Each takes the uses as JSON:
 * [{ "promotionId", "code", "amountMinor" }].
 * - comptoir_lock_promotions: the promotions' rows, in id order. Callers take them after stock
 *   levels, slots and the store's counter, so every path locks in one global order.
 * - comptoir_promotion_refusal: under those locks, the first use that cannot be taken and why
 *   ({ promotionId, code, reason }), or NULL: archived meanwhile (DISCOUNT_CODE_NOT_APPLICABLE),
 *   no use left (DISCOUNT_CODE_LIMIT_REACHED), this customer's uses spent, or a guest where a
 *   per-customer limit exists (DISCOUNT_CODE_CUSTOMER_LIMIT_REACHED). Reads only, so a refused
 *   order leaves no trace.
 * - comptoir_record_promotion_uses: counts the uses and records them against the order.
 *
 * Why SQL: the checkout claims its stock, slot, number and promotions in one round trip inside
 * PostgreSQL; a TypeScript twin for the till would be a second copy of the limits.
 *
 * Frozen once shipped: migration 20261206000034 runs these statements. A change to a rule is a
 * new file (promotion-uses.v2.sql.ts) run by a new migration with CREATE OR REPLACE.
 */
export const PROMOTION_USES_SQL_V1: readonly string[] = [
  `CREATE OR REPLACE FUNCTION comptoir_lock_promotions(uses jsonb) RETURNS void
  LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    locked uuid;
  BEGIN
    FOR locked IN SELECT DISTINCT (value->>'promotionId')::uuid FROM jsonb_array_elements(uses) ORDER BY 1 LOOP
      PERFORM 1 FROM promotion WHERE id = locked FOR UPDATE;
    END LOOP;
  END
  $$`,

  `CREATE OR REPLACE FUNCTION comptoir_promotion_refusal(uses jsonb, target_customer uuid) RETURNS jsonb
  LANGUAGE plpgsql STABLE AS $$
  DECLARE
    use jsonb;
    taken promotion;
    reason text;
  BEGIN
    FOR use IN SELECT value FROM jsonb_array_elements(uses) LOOP
      reason := NULL;
      SELECT * INTO taken FROM promotion WHERE id = (use->>'promotionId')::uuid;
      IF NOT FOUND OR taken.archived_at IS NOT NULL THEN
        reason := 'DISCOUNT_CODE_NOT_APPLICABLE';
      ELSIF taken.usage_limit IS NOT NULL AND taken.times_used >= taken.usage_limit THEN
        reason := 'DISCOUNT_CODE_LIMIT_REACHED';
      ELSIF taken.usage_limit_per_customer IS NOT NULL AND (target_customer IS NULL OR (
          SELECT count(*) FROM promotion_usage AS u
          WHERE u.promotion_id = taken.id AND u.customer_id = target_customer AND u.released_at IS NULL
        ) >= taken.usage_limit_per_customer) THEN
        reason := 'DISCOUNT_CODE_CUSTOMER_LIMIT_REACHED';
      END IF;
      IF reason IS NOT NULL THEN
        RETURN jsonb_build_object('promotionId', use->>'promotionId', 'code', use->'code', 'reason', reason);
      END IF;
    END LOOP;
    RETURN NULL;
  END
  $$`,

  `CREATE OR REPLACE FUNCTION comptoir_record_promotion_uses(target_order uuid, target_customer uuid, uses jsonb)
  RETURNS void
  LANGUAGE plpgsql VOLATILE AS $$
  BEGIN
    UPDATE promotion SET times_used = times_used + 1
      WHERE id IN (SELECT (value->>'promotionId')::uuid FROM jsonb_array_elements(uses));
    INSERT INTO promotion_usage (promotion_id, order_id, customer_id, code, amount_minor)
      SELECT used."promotionId", target_order, target_customer, used.code, used."amountMinor"
      FROM jsonb_to_recordset(uses) AS used("promotionId" uuid, code text, "amountMinor" integer);
  END
  $$`,
]
