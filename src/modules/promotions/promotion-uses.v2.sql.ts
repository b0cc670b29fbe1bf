/**
 * The usage-limit rules of promotion-uses.v1.sql.ts, with the same signatures (so
 * comptoir_place_orders and consumePromotionUses call them unchanged), now taking no lock a limit
 * does not need. In v1 every order that used a promotion locked and updated its row: a chain-wide
 * automatic promotion without any limit made every checkout of every store wait on that one row.
 * - comptoir_lock_promotions locks only promotions with a total limit (usage_limit), whose
 *   times_used counter is the one every order must see in turn; FOR NO KEY UPDATE, as the
 *   counter's UPDATE would, so the foreign-key checks of other orders' usage rows pass by.
 * - comptoir_promotion_refusal checks a per-customer limit under a transaction advisory lock on
 *   (promotion, customer), so one customer's parallel orders queue and others' do not; uses are
 *   taken in promotion id order, so two orders of one customer never wait on each other.
 * - comptoir_record_promotion_uses moves times_used only for promotions with a total limit; the
 *   back office counts the uses of the others from promotion_usage.
 *
 * Frozen once shipped: migration 20261206000037 runs these statements.
 */
export const PROMOTION_USES_SQL_V2: readonly string[] = [
  `CREATE OR REPLACE FUNCTION comptoir_lock_promotions(uses jsonb) RETURNS void
  LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    locked uuid;
  BEGIN
    FOR locked IN SELECT DISTINCT (value->>'promotionId')::uuid FROM jsonb_array_elements(uses) ORDER BY 1 LOOP
      PERFORM 1 FROM promotion WHERE id = locked AND usage_limit IS NOT NULL FOR NO KEY UPDATE;
    END LOOP;
  END
  $$`,

  `CREATE OR REPLACE FUNCTION comptoir_promotion_refusal(uses jsonb, target_customer uuid) RETURNS jsonb
  LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    use jsonb;
    taken promotion;
    reason text;
  BEGIN
    FOR use IN SELECT value FROM jsonb_array_elements(uses) ORDER BY value->>'promotionId' LOOP
      reason := NULL;
      SELECT * INTO taken FROM promotion WHERE id = (use->>'promotionId')::uuid;
      IF NOT FOUND OR taken.archived_at IS NOT NULL THEN
        reason := 'DISCOUNT_CODE_NOT_APPLICABLE';
      ELSIF taken.usage_limit IS NOT NULL AND taken.times_used >= taken.usage_limit THEN
        reason := 'DISCOUNT_CODE_LIMIT_REACHED';
      ELSIF taken.usage_limit_per_customer IS NOT NULL THEN
        IF target_customer IS NULL THEN
          reason := 'DISCOUNT_CODE_CUSTOMER_LIMIT_REACHED';
        ELSE
          PERFORM pg_advisory_xact_lock(hashtext(taken.id::text), hashtext(target_customer::text));
          IF (SELECT count(*) FROM promotion_usage AS u
              WHERE u.promotion_id = taken.id AND u.customer_id = target_customer AND u.released_at IS NULL
            ) >= taken.usage_limit_per_customer THEN
            reason := 'DISCOUNT_CODE_CUSTOMER_LIMIT_REACHED';
          END IF;
        END IF;
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
      WHERE id IN (SELECT (value->>'promotionId')::uuid FROM jsonb_array_elements(uses))
        AND usage_limit IS NOT NULL;
    INSERT INTO promotion_usage (promotion_id, order_id, customer_id, code, amount_minor)
      SELECT used."promotionId", target_order, target_customer, used.code, used."amountMinor"
      FROM jsonb_to_recordset(uses) AS used("promotionId" uuid, code text, "amountMinor" integer);
  END
  $$`,
]
