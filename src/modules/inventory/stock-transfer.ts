import type { StockTransferStatus } from '../../db/database.js'

/**
 * A transfer's life as data: each step, the one state it starts from and the state it leads to,
 * and whose manager takes it (the source store ships and may cancel, the destination receives).
 */
export type TransferStep = 'SHIP' | 'RECEIVE' | 'CANCEL'

export const TRANSFER_STEPS: Record<
  TransferStep,
  { from: StockTransferStatus; to: StockTransferStatus; byStore: 'SOURCE' | 'DESTINATION' }
> = {
  SHIP: { from: 'CREATED', to: 'SHIPPED', byStore: 'SOURCE' },
  RECEIVE: { from: 'SHIPPED', to: 'RECEIVED', byStore: 'DESTINATION' },
  CANCEL: { from: 'CREATED', to: 'CANCELLED', byStore: 'SOURCE' },
}

export function canTakeStep(status: StockTransferStatus, step: TransferStep): boolean {
  return TRANSFER_STEPS[step].from === status
}

/** The store whose manager may take this step of a transfer between these two stores. */
export function storeTakingStep(step: TransferStep, stores: { fromStoreId: string; toStoreId: string }): string {
  return TRANSFER_STEPS[step].byStore === 'SOURCE' ? stores.fromStoreId : stores.toStoreId
}
