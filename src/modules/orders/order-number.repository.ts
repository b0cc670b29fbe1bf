import { sql } from 'kysely'
import type { Trx } from '../../db/transaction.js'

/** The store's next order number (comptoir_next_order_number); its counter stays locked until commit. */
export async function nextOrderNumber(trx: Trx, storeId: string): Promise<string> {
  const { rows } = await sql<{ number: string }>`SELECT comptoir_next_order_number(${storeId}::uuid) AS number`.execute(
    trx,
  )
  const number = rows[0]?.number
  if (!number) throw new Error(`no order number for store ${storeId}`)
  return number
}
