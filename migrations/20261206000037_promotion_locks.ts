import { type Kysely, sql } from 'kysely'
import { PROMOTION_USES_SQL_V2 } from '../src/modules/promotions/promotion-uses.v2.sql.js'

// Frozen: never edit after it has shipped. It runs a versioned source that is frozen too
// (promotion-uses.v2.sql.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  // Usage limits that lock only what a limit needs: no row lock for promotions without a total limit.
  for (const statement of PROMOTION_USES_SQL_V2) await sql.raw(statement).execute(db)
  // times_used now counts only for promotions with a total limit; the others' counters restart
  // from their live uses whenever a limit is set (promotion-admin.service.ts).
  // The unique index on (order_id, promotion_id) already serves lookups by order.
  await sql`DROP INDEX promotion_usage_order_idx`.execute(db)
}
