/**
 * comptoir_place_orders as in checkout-rules.v2.sql.ts, its rules unchanged, now also writing
 * where the checkout came from: the order's storefront (`order.storefront_id`) and the device and
 * storefront of its cart's `checked_out` journey event (`cartEvent.device`, `cartEvent.storefront_id`),
 * both planned by checkout-plan.ts from the request's origin (channels/request-origin.ts).
 *
 * Frozen once shipped: migration 20261207000040 runs these statements. A change to a rule is a
 * new file (checkout-rules.v4.sql.ts) run by a new migration with CREATE OR REPLACE.
 */
export const CHECKOUT_RULES_SQL_V3: readonly string[] = [
  // Several checkouts written in one transaction: one commit (one WAL flush) and one round trip
  // for the batch, and far fewer transactions contending for the store's hot rows at once. Every
  // row the batch may take is locked first, in one global order (carts, stock levels, slots,
  // counters, each sorted), the order every checkout and till sale uses, so that two batches, or
  // a batch and a cart being edited, wait for each other but never deadlock.
  //
  // Each write is the JSON the application planned (checkout-plan.ts): the cart and the version
  // it read, the store, slot and stock wanted, and the rows of the order, its lines, history,
  // cart event and outbox events. It answers PLACED, CART_CHANGED, INSUFFICIENT_STOCK (the
  // available stock as detail), SLOT_FULL or PROMOTION_REFUSED (the refusal as detail). The function's result type is unchanged since
  // migration 20261123000011, so connections that prepared the statement calling it keep working.
  `CREATE OR REPLACE FUNCTION comptoir_place_orders(writes jsonb)
  RETURNS TABLE (outcome text, detail jsonb, placed sales_order)
  LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    item jsonb;
    target_store uuid;
    locked_cart uuid;
    locked_variant uuid;
    locked_slot timestamptz;
    claimed record;
    refusal jsonb;
  BEGIN
    -- One primary-key lookup per row, rather than a join the planner may turn into a scan.
    FOR locked_cart IN
      SELECT DISTINCT (value->>'cartId')::uuid FROM jsonb_array_elements(writes) ORDER BY 1
    LOOP
      PERFORM 1 FROM cart WHERE id = locked_cart FOR UPDATE;
    END LOOP;
    FOR target_store, locked_variant IN
      SELECT DISTINCT (write.value->>'storeId')::uuid, (line.value->>'variant_id')::uuid
      FROM jsonb_array_elements(writes) AS write, jsonb_array_elements(write.value->'stock') AS line
      ORDER BY 1, 2
    LOOP
      PERFORM 1 FROM inventory_level
        WHERE store_id = target_store AND variant_id = locked_variant FOR UPDATE;
    END LOOP;
    FOR target_store, locked_slot IN
      SELECT DISTINCT (value->>'storeId')::uuid, (value->>'slotStart')::timestamptz
      FROM jsonb_array_elements(writes) ORDER BY 1, 2
    LOOP
      INSERT INTO pickup_slot_booking (store_id, slot_start, booked) VALUES (target_store, locked_slot, 0)
        ON CONFLICT (store_id, slot_start) DO NOTHING;
      PERFORM 1 FROM pickup_slot_booking
        WHERE store_id = target_store AND slot_start = locked_slot FOR UPDATE;
    END LOOP;
    FOR target_store IN
      SELECT DISTINCT (value->>'storeId')::uuid FROM jsonb_array_elements(writes) ORDER BY 1
    LOOP
      INSERT INTO store_order_counter (store_id, last_number) VALUES (target_store, 0)
        ON CONFLICT (store_id) DO NOTHING;
      PERFORM 1 FROM store_order_counter WHERE store_id = target_store FOR UPDATE;
    END LOOP;
    PERFORM comptoir_lock_promotions(coalesce((
      SELECT jsonb_agg(used.value)
      FROM jsonb_array_elements(writes) AS write, jsonb_array_elements(write.value->'promotions') AS used
    ), '[]'::jsonb));

    FOR item IN SELECT value FROM jsonb_array_elements(writes) LOOP
      outcome := NULL;
      detail := NULL;
      placed := NULL;
      target_store := (item->>'storeId')::uuid;

      IF NOT comptoir_take_cart((item->>'cartId')::uuid, (item->>'cartVersion')::xid) THEN
        outcome := 'CART_CHANGED';
      ELSE
        -- Before the claim, which writes: a refused promotion leaves no trace either.
        refusal := comptoir_promotion_refusal(coalesce(item->'promotions', '[]'::jsonb),
          (item->'order'->>'customer_id')::uuid);
        IF refusal IS NOT NULL THEN
          outcome := 'PROMOTION_REFUSED';
          detail := refusal;
        ELSE
          claimed := comptoir_claim_order(target_store, (item->>'slotStart')::timestamptz,
            (item->>'slotCapacity')::integer, item->'stock');
          outcome := claimed.outcome;
          detail := claimed.detail;
        END IF;
      END IF;

      IF outcome = 'PLACED' THEN
        UPDATE cart SET status = 'CHECKED_OUT', updated_at = now() WHERE id = (item->>'cartId')::uuid;
        INSERT INTO sales_order (id, number, store_id, customer_id, cart_id, idempotency_key, contact_email,
            channel, status, payment_mode, pickup_slot_start, pickup_slot_end, pickup_code_hash, currency_code,
            subtotal_minor, discount_minor, tax_minor, total_minor, payment_due_at, storefront_id)
          SELECT given.id, claimed.order_number, target_store,
            given.customer_id, given.cart_id, given.idempotency_key, given.contact_email, given.channel,
            given.status, given.payment_mode, given.pickup_slot_start, given.pickup_slot_end,
            given.pickup_code_hash, given.currency_code, given.subtotal_minor, coalesce(given.discount_minor, 0), given.tax_minor,
            given.total_minor, given.payment_due_at, given.storefront_id
          FROM jsonb_populate_record(NULL::sales_order, item->'order') AS given
          RETURNING * INTO placed;
        INSERT INTO order_line (order_id, line_number, variant_id, sku, title, quantity, unit_price_minor, tax_rate_bp,
            discount_minor)
          SELECT placed.id, given.line_number, given.variant_id, given.sku, given.title, given.quantity,
            given.unit_price_minor, given.tax_rate_bp, coalesce(given.discount_minor, 0)
          FROM jsonb_populate_recordset(NULL::order_line, item->'lines') AS given;
        INSERT INTO order_line_discount (order_id, line_number, promotion_id, promotion_name, code, amount_minor)
          SELECT placed.id, given.line_number, given.promotion_id, given.promotion_name, given.code, given.amount_minor
          FROM jsonb_populate_recordset(NULL::order_line_discount, item->'discounts') AS given;
        IF jsonb_array_length(coalesce(item->'promotions', '[]'::jsonb)) > 0 THEN
          PERFORM comptoir_record_promotion_uses(placed.id, placed.customer_id, item->'promotions');
        END IF;
        INSERT INTO order_status_change (order_id, status, actor_type, actor_id, note, at)
          SELECT placed.id, given.status, given.actor_type, given.actor_id, given.note, given.at
          FROM jsonb_populate_record(NULL::order_status_change, item->'history') AS given;
        INSERT INTO stock_movement (store_id, variant_id, on_hand_delta, reserved_delta, reason, order_id, actor_type)
          SELECT target_store, wanted.variant_id, 0, wanted.quantity, 'RESERVATION', placed.id, 'SYSTEM'
          FROM jsonb_to_recordset(item->'stock') AS wanted(variant_id uuid, quantity integer);
        INSERT INTO cart_event (cart_id, customer_id, type, channel, payload, device, storefront_id)
          SELECT given.cart_id, given.customer_id, given.type, given.channel, given.payload, given.device,
            given.storefront_id
          FROM jsonb_populate_record(NULL::cart_event, item->'cartEvent') AS given;
        INSERT INTO outbox_event (type, aggregate_type, aggregate_id, payload)
          SELECT given.type, given.aggregate_type, given.aggregate_id, given.payload
          FROM jsonb_populate_recordset(NULL::outbox_event, item->'events') AS given;
        INSERT INTO outbox_event (type, aggregate_type, aggregate_id, payload)
          SELECT 'inventory.changed', 'store', target_store::text,
            jsonb_build_object('storeId', target_store::text,
              'variantIds', jsonb_agg(wanted.variant_id::text ORDER BY wanted.variant_id))
          FROM jsonb_to_recordset(item->'stock') AS wanted(variant_id uuid, quantity integer);
      END IF;
      RETURN NEXT;
    END LOOP;
  END
  $$`,
]
