/**
 * The store's order numbering, one rule for every channel: the store counter's next value,
 * zero-padded to at least four digits and never cut short (short enough to call out across a
 * counter, unique within the store). Both checkout paths number their orders with it inside
 * comptoir_place_orders, and the till sale through nextOrderNumber (order-number.service.ts).
 *
 * Why SQL: the checkout numbers its orders inside PostgreSQL, in the one round trip that claims
 * their stock and slot; a TypeScript twin would be a second copy of the rule. The counter row
 * stays locked until commit, so every caller takes it last (after stock rows and slots).
 *
 * Frozen once shipped: migration 20261205000019 runs these statements. A change to the rule is
 * a new file (order-number.v2.sql.ts) run by a new migration with CREATE OR REPLACE.
 */
export const ORDER_NUMBER_SQL_V1: readonly string[] = [
  `CREATE OR REPLACE FUNCTION comptoir_next_order_number(target_store uuid) RETURNS text
  LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    next_number integer;
  BEGIN
    -- The counter exists but for a store's very first order: a plain UPDATE then, which unlike
    -- an upsert does not lock again a row this transaction has already changed (one WAL record
    -- less on the hottest row of a checkout batch).
    UPDATE store_order_counter SET last_number = last_number + 1 WHERE store_id = target_store
      RETURNING last_number INTO next_number;
    IF NOT FOUND THEN
      INSERT INTO store_order_counter AS counter (store_id, last_number) VALUES (target_store, 1)
        ON CONFLICT (store_id) DO UPDATE SET last_number = counter.last_number + 1
        RETURNING counter.last_number INTO next_number;
    END IF;
    RETURN lpad(next_number::text, greatest(4, length(next_number::text)), '0');
  END
  $$`,
]
