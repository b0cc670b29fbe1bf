import { type RawBuilder, sql } from 'kysely'

/**
 * What a level offers shoppers, for queries that filter or compare on it in the database: on hand
 * less what orders hold and the store keeps back, the rule `availableQuantity` (inventory.ts)
 * applies to a row already read. Not clamped at zero: callers compare it (`> 0`, `>= quantity`)
 * or clamp it themselves. The checkout's SQL function states the same rule in its frozen text
 * (checkout/checkout-rules.v1.sql.ts), since a migration may not import this module.
 */
export function availableUnitsSql(level: string): RawBuilder<number> {
  return sql<number>`(${sql.ref(`${level}.on_hand`)} - ${sql.ref(`${level}.reserved`)} - ${sql.ref(`${level}.safety_stock`)})`
}
