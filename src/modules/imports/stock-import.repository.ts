import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { Trx } from '../../db/transaction.js'

/** The stock import's SQL, a batch per statement (see import.repository.ts). */

export function findVariantIdsBySku(db: Db | Trx, skus: readonly string[]) {
  if (skus.length === 0) return Promise.resolve([])
  return db
    .selectFrom('variant')
    .select(['id', 'sku'])
    .where('sku', '=', sql<string>`ANY(${[...skus]}::text[])`)
    .execute()
}

export interface LevelKey {
  store_id: string
  variant_id: string
}

export async function ensureLevels(trx: Trx, keys: readonly LevelKey[]): Promise<void> {
  if (keys.length === 0) return
  await sql`
    INSERT INTO inventory_level (store_id, variant_id)
    SELECT r.store_id, r.variant_id FROM json_to_recordset(${JSON.stringify(keys)}::json) AS r(store_id uuid, variant_id uuid)
    ORDER BY r.store_id, r.variant_id
    ON CONFLICT DO NOTHING`.execute(trx)
}

export interface LockedLevel extends LevelKey {
  on_hand: number
  reserved: number
}

/** Locks the levels in (store, variant) order, the order every stock writer takes them in. */
export async function lockLevels(trx: Trx, keys: readonly LevelKey[]): Promise<LockedLevel[]> {
  if (keys.length === 0) return []
  const result = await sql<LockedLevel>`
    SELECT l.store_id, l.variant_id, l.on_hand, l.reserved
    FROM inventory_level l
    JOIN json_to_recordset(${JSON.stringify(keys)}::json) AS r(store_id uuid, variant_id uuid)
      ON l.store_id = r.store_id AND l.variant_id = r.variant_id
    ORDER BY l.store_id, l.variant_id
    FOR UPDATE OF l`.execute(trx)
  return result.rows
}

export async function setOnHand(trx: Trx, rows: readonly (LevelKey & { on_hand: number })[]): Promise<number> {
  if (rows.length === 0) return 0
  const result = await sql`
    UPDATE inventory_level l SET on_hand = r.on_hand, updated_at = now()
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(store_id uuid, variant_id uuid, on_hand integer)
    WHERE l.store_id = r.store_id AND l.variant_id = r.variant_id AND l.on_hand IS DISTINCT FROM r.on_hand`.execute(trx)
  return Number(result.numAffectedRows ?? 0)
}

export interface ImportMovement extends LevelKey {
  on_hand_delta: number
  reason: string
  actor_type: string
  actor_id: string | null
  reference: string
}

export async function insertMovements(trx: Trx, rows: readonly ImportMovement[]): Promise<void> {
  if (rows.length === 0) return
  await sql`
    INSERT INTO stock_movement (store_id, variant_id, on_hand_delta, reason, actor_type, actor_id, reference)
    SELECT r.store_id, r.variant_id, r.on_hand_delta, r.reason, r.actor_type, r.actor_id, r.reference
    FROM json_to_recordset(${JSON.stringify(rows)}::json)
      AS r(store_id uuid, variant_id uuid, on_hand_delta integer, reason text, actor_type text, actor_id uuid, reference text)`.execute(
    trx,
  )
}
