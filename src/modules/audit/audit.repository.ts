import { type Insertable, sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { AuditEntryRow, AuditEntryTable } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export function insertAuditEntries(trx: Trx, rows: Insertable<AuditEntryTable>[]): Promise<unknown> {
  if (rows.length === 0) return Promise.resolve()
  return trx.insertInto('audit_entry').values(rows).execute()
}

/** Who made every entry of a bulk insert, sent once rather than on each of its thousands of rows. */
export type AuditAuthorColumns = Pick<
  Insertable<AuditEntryTable>,
  'actor_type' | 'actor_id' | 'channel' | 'client_address'
>

/**
 * The same insert for thousands of rows (the bulk import): the entries as one JSON parameter
 * (`changesJson`, an array of { entity, entity_id, action, before, after } serialised by the
 * caller), which PostgreSQL unpacks, instead of nine bound parameters per row.
 */
export async function insertAuditEntriesAsJson(
  trx: Trx,
  author: AuditAuthorColumns,
  changesJson: string,
): Promise<void> {
  if (changesJson === '[]') return
  await sql`
    INSERT INTO audit_entry (actor_type, actor_id, channel, client_address, entity, entity_id, action, before, after)
    SELECT ${author.actor_type}, ${author.actor_id ?? null}::uuid, ${author.channel}, ${author.client_address ?? null},
           r.entity, r.entity_id, r.action, r.before, r.after
    FROM json_to_recordset(${changesJson}::json)
      AS r(entity text, entity_id text, action text, before jsonb, after jsonb)`.execute(trx)
}

export interface AuditPageQuery {
  actorId: string | null
  entity: string | null
  entityId: string | null
  from: Date | null
  to: Date | null
  /** Newest first: read entries older than this id. */
  beforeId: string | null
  limit: number
}

/** Newest first, keyset-paginated on id (ids only grow, and `at` is the insert time). */
export function findAuditPage(db: Db, page: AuditPageQuery): Promise<AuditEntryRow[]> {
  let query = db.selectFrom('audit_entry').selectAll()
  if (page.actorId !== null) query = query.where('actor_id', '=', page.actorId)
  if (page.entity !== null) query = query.where('entity', '=', page.entity)
  if (page.entityId !== null) query = query.where('entity_id', '=', page.entityId)
  if (page.from !== null) query = query.where('at', '>=', page.from)
  if (page.to !== null) query = query.where('at', '<', page.to)
  if (page.beforeId !== null) query = query.where('id', '<', page.beforeId)
  return query.orderBy('id', 'desc').limit(page.limit).execute()
}
