import type { Db } from '../../db/create-db.js'
import type { OrderLineDiscountRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import type { OrderDiscounts } from './order-discounts.js'

/** The snapshot of an order's discounts, written after its lines (each row names one). */
export async function insertOrderLineDiscounts(trx: Trx, orderId: string, rows: OrderDiscounts['rows']): Promise<void> {
  if (rows.length === 0) return
  await trx
    .insertInto('order_line_discount')
    .values(rows.map((row) => ({ ...row, order_id: orderId })))
    .execute()
}

export function findLineDiscountsOfOrders(db: Db, orderIds: readonly string[]): Promise<OrderLineDiscountRow[]> {
  if (orderIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('order_line_discount')
    .selectAll()
    .where('order_id', 'in', orderIds)
    .orderBy('order_id')
    .orderBy('line_number')
    .orderBy('promotion_name')
    .orderBy('promotion_id')
    .execute()
}
