/**
 * The checkout's rules, in one place for both of its paths: the batched write of carts that hold
 * no stock (writeCheckout) and the transaction of a cart that does (placeHeldOrder) both end in
 * comptoir_place_orders, which applies them:
 * - comptoir_take_cart: the cart is still ACTIVE and still the version the checkout read;
 * - comptoir_claim_order: every line or none, never below on_hand - reserved - safety_stock;
 *   a place in the slot only while fewer than its capacity are booked; the store's next number
 *   (comptoir_next_order_number, orders/order-number.v1.sql.ts);
 * - comptoir_place_orders: the global lock order, then per write the two above and the rows of
 *   the order, its lines, history, ledger, cart event and outbox events.
 *
 * Why SQL: the rows a checkout claims (a hot SKU's level, the slot, the store's counter) are
 * shared by every checkout of the store and stay locked until commit; inside PostgreSQL the
 * whole claim is one round trip, where the same rules in TypeScript would hold those locks
 * across one round trip per step.
 *
 * Frozen once shipped: migration 20261205000020 runs these statements. A change to a rule is a
 * new file (checkout-rules.v2.sql.ts) run by a new migration with CREATE OR REPLACE, and so is a
 * column added to a table written here (comptoir_place_orders names the columns it writes).
 */
export const CHECKOUT_RULES_SQL_V1: readonly string[] = [
  // FOR UPDATE after the version test: a cart changed meanwhile is left alone, not locked.
  `CREATE OR REPLACE FUNCTION comptoir_take_cart(target_cart uuid, read_version xid) RETURNS boolean
  LANGUAGE plpgsql VOLATILE AS $$
  BEGIN
    PERFORM 1 FROM cart WHERE id = target_cart AND status = 'ACTIVE' AND xmin = read_version FOR UPDATE;
    RETURN FOUND;
  END
  $$`,

  // Checks every line and the slot before writing anything, so a refused claim leaves no trace
  // without a subtransaction. The caller has locked the stock rows, the slot (its row created)
  // and the store's counter, in the global order of comptoir_place_orders.
  `CREATE OR REPLACE FUNCTION comptoir_claim_order(
    target_store uuid, wanted_slot timestamptz, slot_capacity integer, wanted_stock jsonb,
    OUT outcome text, OUT detail jsonb, OUT order_number text)
  LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    wanted_variant uuid;
    wanted_quantity integer;
    line_available integer;
    enough boolean := true;
  BEGIN
    -- What each line has available, by variant id: the detail of a refusal.
    detail := '{}'::jsonb;
    FOR wanted_variant, wanted_quantity IN
      SELECT (value->>'variant_id')::uuid, (value->>'quantity')::integer FROM jsonb_array_elements(wanted_stock)
    LOOP
      SELECT on_hand - reserved - safety_stock INTO line_available
        FROM inventory_level WHERE store_id = target_store AND variant_id = wanted_variant;
      IF NOT FOUND THEN
        enough := false;
      ELSE
        detail := detail || jsonb_build_object(wanted_variant::text, line_available);
        enough := enough AND line_available >= wanted_quantity;
      END IF;
    END LOOP;
    IF NOT enough THEN
      outcome := 'INSUFFICIENT_STOCK';
      RETURN;
    END IF;
    detail := NULL;
    PERFORM 1 FROM pickup_slot_booking
      WHERE store_id = target_store AND slot_start = wanted_slot AND booked < slot_capacity;
    IF NOT FOUND THEN
      outcome := 'SLOT_FULL';
      RETURN;
    END IF;

    FOR wanted_variant, wanted_quantity IN
      SELECT (value->>'variant_id')::uuid, (value->>'quantity')::integer FROM jsonb_array_elements(wanted_stock)
    LOOP
      UPDATE inventory_level SET reserved = reserved + wanted_quantity, updated_at = now()
        WHERE store_id = target_store AND variant_id = wanted_variant;
    END LOOP;
    UPDATE pickup_slot_booking SET booked = booked + 1 WHERE store_id = target_store AND slot_start = wanted_slot;
    order_number := comptoir_next_order_number(target_store);
    outcome := 'PLACED';
  END
  $$`,

  // Several checkouts written in one transaction: one commit (one WAL flush) and one round trip
  // for the batch, and far fewer transactions contending for the store's hot rows at once. Every
  // row the batch may take is locked first, in one global order (carts, stock levels, slots,
  // counters, each sorted), the order every checkout and till sale uses, so that two batches, or
  // a batch and a cart being edited, wait for each other but never deadlock.
  //
  // Each write is the JSON the application planned (checkout-plan.ts): the cart and the version
  // it read, the store, slot and stock wanted, and the rows of the order, its lines, history,
  // cart event and outbox events. It answers PLACED, CART_CHANGED, INSUFFICIENT_STOCK (the
  // available stock as detail) or SLOT_FULL. The function's result type is unchanged since
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

    FOR item IN SELECT value FROM jsonb_array_elements(writes) LOOP
      outcome := NULL;
      detail := NULL;
      placed := NULL;
      target_store := (item->>'storeId')::uuid;

      IF NOT comptoir_take_cart((item->>'cartId')::uuid, (item->>'cartVersion')::xid) THEN
        outcome := 'CART_CHANGED';
      ELSE
        claimed := comptoir_claim_order(target_store, (item->>'slotStart')::timestamptz,
          (item->>'slotCapacity')::integer, item->'stock');
        outcome := claimed.outcome;
        detail := claimed.detail;
      END IF;

      IF outcome = 'PLACED' THEN
        UPDATE cart SET status = 'CHECKED_OUT', updated_at = now() WHERE id = (item->>'cartId')::uuid;
        INSERT INTO sales_order (id, number, store_id, customer_id, cart_id, idempotency_key, contact_email,
            channel, status, payment_mode, pickup_slot_start, pickup_slot_end, pickup_code_hash, currency_code,
            subtotal_minor, tax_minor, total_minor, payment_due_at)
          SELECT given.id, claimed.order_number, target_store,
            given.customer_id, given.cart_id, given.idempotency_key, given.contact_email, given.channel,
            given.status, given.payment_mode, given.pickup_slot_start, given.pickup_slot_end,
            given.pickup_code_hash, given.currency_code, given.subtotal_minor, given.tax_minor,
            given.total_minor, given.payment_due_at
          FROM jsonb_populate_record(NULL::sales_order, item->'order') AS given
          RETURNING * INTO placed;
        INSERT INTO order_line (order_id, line_number, variant_id, sku, title, quantity, unit_price_minor, tax_rate_bp)
          SELECT placed.id, given.line_number, given.variant_id, given.sku, given.title, given.quantity,
            given.unit_price_minor, given.tax_rate_bp
          FROM jsonb_populate_recordset(NULL::order_line, item->'lines') AS given;
        INSERT INTO order_status_change (order_id, status, actor_type, actor_id, note, at)
          SELECT placed.id, given.status, given.actor_type, given.actor_id, given.note, given.at
          FROM jsonb_populate_record(NULL::order_status_change, item->'history') AS given;
        INSERT INTO stock_movement (store_id, variant_id, on_hand_delta, reserved_delta, reason, order_id, actor_type)
          SELECT target_store, wanted.variant_id, 0, wanted.quantity, 'RESERVATION', placed.id, 'SYSTEM'
          FROM jsonb_to_recordset(item->'stock') AS wanted(variant_id uuid, quantity integer);
        INSERT INTO cart_event (cart_id, customer_id, type, channel, payload)
          SELECT given.cart_id, given.customer_id, given.type, given.channel, given.payload
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
