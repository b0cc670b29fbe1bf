import type { Trx } from '../../db/transaction.js'
import * as orderNumberRepository from './order-number.repository.js'

/**
 * The store's next order number, by the rule every channel shares (order-number.v1.sql.ts): the
 * checkout takes it inside its own statement, the till sale here. The counter row stays locked
 * until the caller's transaction ends, so take it after the stock rows.
 */
export function nextOrderNumber(trx: Trx, storeId: string): Promise<string> {
  return orderNumberRepository.nextOrderNumber(trx, storeId)
}
