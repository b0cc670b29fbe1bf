import { type Insertable, sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { AuditEntryRow, AuditEntryTable } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export function insertAuditEntries(trx: Trx, rows: Insertable<AuditEntryTable>[]): Promise<unknown> {
  if (rows.length === 0) return Promise.resolve()
  return trx.insertInto('audit_entry').values(rows).execute()
}

/** An audit row whose before and after are still objects: they travel inside one JSON parameter. */
export type AuditJsonRow = Omit<Insertable<AuditEntryTable>, 'before' | 'after'> & {
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
}

/**
 * The same insert for thousands of rows (the bulk import): the rows as one JSON parameter,
 * which PostgreSQL unpacks, instead of eleven bound parameters per row.
 */
/** `rowsJson`: a JSON array of AuditJsonRow, serialised by the caller. */
export async function insertAuditEntriesAsJson(trx: Trx, rowsJson: string): Promise<void> {
  if (rowsJson === '[]') return
  await sql`
    INSERT INTO audit_entry (actor_type, actor_id, channel, client_address, entity, entity_id, action, before, after)
    SELECT r.actor_type, r.actor_id, r.channel, r.client_address, r.entity, r.entity_id, r.action, r.before, r.after
    FROM json_to_recordset(${rowsJson}::json) AS r(actor_type text, actor_id uuid, channel text,
      client_address text, entity text, entity_id text, action text, before jsonb, after jsonb)`.execute(trx)
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
