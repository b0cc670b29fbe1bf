import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { OrderReturnRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

/** Units of each order line already brought back, by line number. */
export async function findReturnedQuantities(db: Db, orderId: string): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('order_return_line')
    .innerJoin('order_return', 'order_return.id', 'order_return_line.return_id')
    .select(['order_return_line.line_number', sql<string>`sum(order_return_line.quantity)::text`.as('returned')])
    .where('order_return.order_id', '=', orderId)
    .groupBy('order_return_line.line_number')
    .execute()
  return new Map(rows.map((row) => [row.line_number, Number(row.returned)]))
}

export function insertReturn(trx: Trx, values: Omit<OrderReturnRow, 'id' | 'created_at'>): Promise<OrderReturnRow> {
  return trx.insertInto('order_return').values(values).returningAll().executeTakeFirstOrThrow()
}

export async function insertReturnLines(trx: Trx, returnId: string, lines: { lineNumber: number; quantity: number }[]) {
  await trx
    .insertInto('order_return_line')
    .values(lines.map((line) => ({ return_id: returnId, line_number: line.lineNumber, quantity: line.quantity })))
    .execute()
}

export async function setRefundStatus(db: Db, returnId: string, status: OrderReturnRow['refund_status']) {
  await db.updateTable('order_return').set({ refund_status: status }).where('id', '=', returnId).execute()
}

export function findReturnsOfOrders(db: Db, orderIds: readonly string[]): Promise<OrderReturnRow[]> {
  if (orderIds.length === 0) return Promise.resolve([])
  return db.selectFrom('order_return').selectAll().where('order_id', 'in', orderIds).orderBy('created_at').execute()
}

/** Card refunds still owed: failed ones, and pending ones older than `pendingBefore` (their request died). */
export function findRefundsDue(db: Db, pendingBefore: Date, limit: number): Promise<OrderReturnRow[]> {
  return db
    .selectFrom('order_return')
    .selectAll()
    .where('refund_to', '=', 'ORIGINAL')
    .where((eb) =>
      eb.or([
        eb('refund_status', '=', 'FAILED'),
        eb.and([eb('refund_status', '=', 'PENDING'), eb('created_at', '<', pendingBefore)]),
      ]),
    )
    .orderBy('created_at')
    .limit(limit)
    .execute()
}
