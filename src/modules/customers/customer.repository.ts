import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { CustomerRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export function findCustomerByEmail(db: Db, email: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customer').selectAll().where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst()
}

export function findCustomersByIds(db: Db, ids: readonly string[]): Promise<CustomerRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('customer').selectAll().where('id', 'in', ids).execute()
}

/** Inserts unless the email is taken (case-insensitively); undefined when it is. */
export function insertCustomer(
  trx: Trx,
  customer: { email: string; name: string; passwordHash: string; phone?: string | null },
): Promise<CustomerRow | undefined> {
  return trx
    .insertInto('customer')
    .values({
      email: customer.email,
      name: customer.name,
      password_hash: customer.passwordHash,
      phone: customer.phone ?? null,
    })
    .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
    .returningAll()
    .executeTakeFirst()
}

/** Serialises sign-ins of one customer, so two devices merging carts at once cannot both win. */
export async function lockCustomer(trx: Trx, customerId: string): Promise<void> {
  await trx.selectFrom('customer').select('id').where('id', '=', customerId).forUpdate().execute()
}

/** Sets a customer's language and message channels (and phone, when given); undefined when erased or unknown. */
export function updateMessagePreferences(
  trx: Trx,
  customerId: string,
  changes: { locale?: CustomerRow['locale']; phone?: string | null; messageChannels?: CustomerRow['message_channels'] },
): Promise<CustomerRow | undefined> {
  return trx
    .updateTable('customer')
    .set({
      ...(changes.locale !== undefined ? { locale: changes.locale } : {}),
      ...(changes.phone !== undefined ? { phone: changes.phone } : {}),
      ...(changes.messageChannels !== undefined ? { message_channels: changes.messageChannels } : {}),
    })
    .where('id', '=', customerId)
    .where('erased_at', 'is', null)
    .returningAll()
    .executeTakeFirst()
}
