import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { StaffRow } from '../../db/database.js'

export function findStaffByEmail(db: Db, email: string): Promise<StaffRow | undefined> {
  return db.selectFrom('staff').selectAll().where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst()
}

export function findStaffByIds(db: Db, ids: readonly string[]): Promise<StaffRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('staff').selectAll().where('id', 'in', ids).execute()
}
