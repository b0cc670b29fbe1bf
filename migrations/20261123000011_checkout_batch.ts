import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped. A migration
// that adds a column to a table written below must CREATE OR REPLACE this function beside it.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Several checkouts written in one transaction: one commit (one WAL flush) and one round trip
  // for the batch, and far fewer transactions contending for the store's hot rows at once. Every
  // row the batch may take is locked first, in one global order (carts, stock levels, slots,
  // counters, each sorted), the order every single checkout uses, so that two batches, or a batch
  // and a cart being edited, wait for each other but never deadlock.
  //
  // Each write is the JSON the application planned: the cart and the version it read, the store,
  // slot and stock wanted, and the rows of the order, its lines, history, cart event and outbox
  // events. A write whose cart changed since it was read answers CART_CHANGED; one whose stock
  // or slot is short answers the reason (the available stock as detail). Each write is checked
  // whole before any of it is written, on rows already locked, so a refused write leaves no
  // trace without a subtransaction (rolling one back after updating a row the batch had locked
  // would leave multixacts on the hot rows for every later reader to resolve).
  await sql`
    CREATE FUNCTION comptoir_place_orders(writes jsonb)
    RETURNS TABLE (outcome text, detail jsonb, placed sales_order)
    LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
      item jsonb;
      target_store uuid;
      locked_cart uuid;
      locked_variant uuid;
      locked_slot timestamptz;
      wanted_variant uuid;
      wanted_quantity integer;
      line_available integer;
      available_stock jsonb;
      enough boolean;
      next_number integer;
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

        -- Every check first, on rows this transaction holds, so a refused write writes nothing.
        PERFORM 1 FROM cart
          WHERE id = (item->>'cartId')::uuid AND status = 'ACTIVE' AND xmin = (item->>'cartVersion')::xid;
        IF NOT FOUND THEN
          outcome := 'CART_CHANGED';
        END IF;
        IF outcome IS NULL THEN
          available_stock := '{}'::jsonb;
          enough := true;
          FOR wanted_variant, wanted_quantity IN
            SELECT (value->>'variant_id')::uuid, (value->>'quantity')::integer FROM jsonb_array_elements(item->'stock')
          LOOP
            SELECT on_hand - reserved - safety_stock INTO line_available
              FROM inventory_level WHERE store_id = target_store AND variant_id = wanted_variant;
            IF NOT FOUND THEN
              enough := false;
            ELSE
              available_stock := available_stock || jsonb_build_object(wanted_variant::text, line_available);
              enough := enough AND line_available >= wanted_quantity;
            END IF;
          END LOOP;
          IF NOT enough THEN
            outcome := 'INSUFFICIENT_STOCK';
            detail := available_stock;
          END IF;
        END IF;
        IF outcome IS NULL THEN
          PERFORM 1 FROM pickup_slot_booking
            WHERE store_id = target_store AND slot_start = (item->>'slotStart')::timestamptz
              AND booked < (item->>'slotCapacity')::integer;
          IF NOT FOUND THEN
            outcome := 'SLOT_FULL';
          END IF;
        END IF;

        IF outcome IS NULL THEN
          outcome := 'PLACED';
          UPDATE cart SET status = 'CHECKED_OUT', updated_at = now() WHERE id = (item->>'cartId')::uuid;
          FOR wanted_variant, wanted_quantity IN
            SELECT (value->>'variant_id')::uuid, (value->>'quantity')::integer FROM jsonb_array_elements(item->'stock')
          LOOP
            UPDATE inventory_level SET reserved = reserved + wanted_quantity, updated_at = now()
              WHERE store_id = target_store AND variant_id = wanted_variant;
          END LOOP;
          UPDATE pickup_slot_booking SET booked = booked + 1
            WHERE store_id = target_store AND slot_start = (item->>'slotStart')::timestamptz;
          UPDATE store_order_counter SET last_number = last_number + 1
            WHERE store_id = target_store
            RETURNING last_number INTO next_number;

          INSERT INTO sales_order (id, number, store_id, customer_id, cart_id, idempotency_key, contact_email,
              channel, status, payment_mode, pickup_slot_start, pickup_slot_end, pickup_code_hash, currency_code,
              subtotal_minor, tax_minor, total_minor, payment_due_at)
            SELECT given.id, lpad(next_number::text, greatest(4, length(next_number::text)), '0'), target_store,
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
    $$`.execute(db)

  // Only the single-checkout statement raised it; the batch refuses a write before writing any of it.
  await sql`DROP FUNCTION comptoir_abort(text, jsonb)`.execute(db)
}
