import type { Channel, PriceOverrideRow } from '../../db/database.js'

/** Where and when a price is asked for: the rule (price-rule.v1.sql.ts) answers for exactly this. */
export interface PriceContext {
  /** null: no store chosen; only channel-only overrides and the base price apply. */
  storeId: string | null
  channel: Channel
  at: Date
}

/** The unit price of a variant in a context, and the override that set it (null: the base price). */
export interface ResolvedPrice {
  amountMinor: number
  overrideId: string | null
}

/** A price change as the audit log keeps it: plain JSON, raw ids. */
export function auditedOverride(row: PriceOverrideRow): Record<string, unknown> {
  return {
    variantId: row.variant_id,
    storeId: row.store_id,
    channel: row.channel,
    amountMinor: row.amount_minor,
    startsAt: row.starts_at === null ? null : new Date(row.starts_at).toISOString(),
    endsAt: row.ends_at === null ? null : new Date(row.ends_at).toISOString(),
  }
}
