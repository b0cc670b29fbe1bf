import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { PosTerminalRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export function insertTerminal(
  trx: Trx,
  terminal: { storeId: string; label: string; readerId: string | null; keyHash: string; registeredBy: string | null },
): Promise<PosTerminalRow> {
  return trx
    .insertInto('pos_terminal')
    .values({
      store_id: terminal.storeId,
      label: terminal.label,
      key_hash: terminal.keyHash,
      stripe_reader_id: terminal.readerId,
      registered_by: terminal.registeredBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function findActiveTerminalByKeyHash(db: Db, keyHash: string): Promise<PosTerminalRow | undefined> {
  return db
    .selectFrom('pos_terminal')
    .selectAll()
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
}

export function findTerminalsByIds(db: Db, ids: readonly string[]): Promise<PosTerminalRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('pos_terminal').selectAll().where('id', 'in', ids).execute()
}

/** The stores whose active terminals are paired with this card reader. */
export async function findStoresOfReader(db: Db, readerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('pos_terminal')
    .select('store_id')
    .distinct()
    .where('stripe_reader_id', '=', readerId)
    .where('revoked_at', 'is', null)
    .execute()
  return rows.map((row) => row.store_id)
}

export function revokeTerminal(trx: Trx, terminalId: string): Promise<PosTerminalRow | undefined> {
  return trx
    .updateTable('pos_terminal')
    .set({ revoked_at: sql`coalesce(revoked_at, now())` })
    .where('id', '=', terminalId)
    .returningAll()
    .executeTakeFirst()
}

export function updateTerminal(
  trx: Trx,
  terminalId: string,
  changes: { label?: string; readerId?: string | null },
): Promise<PosTerminalRow | undefined> {
  return trx
    .updateTable('pos_terminal')
    .set({
      ...(changes.label === undefined ? {} : { label: changes.label }),
      ...(changes.readerId === undefined ? {} : { stripe_reader_id: changes.readerId }),
    })
    .where('id', '=', terminalId)
    .returningAll()
    .executeTakeFirst()
}
