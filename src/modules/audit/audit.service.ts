import type { Db } from '../../db/create-db.js'
import type { AuditChannel, AuditEntryRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import type { StockActor } from '../inventory/inventory.service.js'
import { type AuditPageQuery, findAuditPage, insertAuditEntries, insertAuditEntriesAsJson } from './audit.repository.js'

/** Who made a back-office change and through what: every audited change names one. */
export interface AuditAuthor {
  actor: StockActor
  channel: AuditChannel
  clientAddress: string | null
}

/** The import CLI and jobs act as the system, from the machine they run on. */
export const CLI_AUTHOR: AuditAuthor = { actor: { type: 'SYSTEM', id: null }, channel: 'CLI', clientAddress: null }

/** What changed: an entity's state before and after, as plain JSON (null before a create, after a delete). */
export interface AuditChange {
  /** The kind of thing changed, in lower snake case: product, variant, price, store, staff, inventory_level… */
  entity: string
  entityId: string
  /** What was done, e.g. CREATE, UPDATE, ARCHIVE, PRICE_SET, ADJUST. */
  action: string
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
}

/**
 * Records changes in the caller's transaction, so an entry exists exactly when its change
 * commits. Never pass secrets (password hashes, tokens) in before/after.
 */
export function recordAudit(trx: Trx, author: AuditAuthor, changes: AuditChange | AuditChange[]): Promise<unknown> {
  const list = Array.isArray(changes) ? changes : [changes]
  return insertAuditEntries(
    trx,
    list.map((change) => ({
      ...auditRow(author, change),
      before: change.before === null ? null : jsonbText(change.before),
      after: change.after === null ? null : jsonbText(change.after),
    })),
  )
}

/**
 * JSON for a jsonb value. jsonb refuses a lone UTF-16 surrogate (JSON.stringify writes it as an
 * escape), where a text column stores U+FFFD for it: the entry records the text as the changed row
 * stored it. Almost no text holds one, so the replacer, which costs a call per value (a fifth of a
 * bulk import's own time), runs only when the plain output shows such an escape.
 */
function jsonbText(value: unknown): string {
  const json = JSON.stringify(value)
  // JSON.stringify escapes a lone surrogate in lower case: a plain substring search rules most text out.
  return json.includes('\\ud') && LONE_SURROGATE_ESCAPE.test(json) ? JSON.stringify(value, wellFormed) : json
}

const LONE_SURROGATE_ESCAPE = /\\ud[89a-f][0-9a-f]{2}/i

function wellFormed(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? value.replace(/\p{Cs}/gu, '\uFFFD') : value
}

/** recordAudit for a bulk import's thousands of changes at once, sent as one parameter. */
export function recordAuditInBulk(trx: Trx, author: AuditAuthor, changes: AuditChange[]): Promise<void> {
  return insertAuditEntriesAsJson(
    trx,
    authorColumns(author),
    jsonbText(
      changes.map((change) => ({
        entity: change.entity,
        entity_id: change.entityId,
        action: change.action,
        before: change.before,
        after: change.after,
      })),
    ),
  )
}

function auditRow(author: AuditAuthor, change: AuditChange) {
  return { ...authorColumns(author), entity: change.entity, entity_id: change.entityId, action: change.action }
}

function authorColumns(author: AuditAuthor) {
  return {
    actor_type: author.actor.type,
    actor_id: author.actor.id,
    channel: author.channel,
    client_address: author.clientAddress,
  }
}

export function findAuditEntries(db: Db, page: AuditPageQuery): Promise<AuditEntryRow[]> {
  return findAuditPage(db, page)
}
