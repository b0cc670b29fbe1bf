import type { StockTransferStatus } from '../../db/database.js'
import { BusinessError, fixedBusinessError, type UserErrorEntry } from '../shared/business-error.js'
import { TRANSFER_STEPS, type TransferStep } from './stock-transfer.js'

export const UnknownTransferError = fixedBusinessError('UNKNOWN_TRANSFER', ['transferId'], 'No transfer has this ID.')

export const SameStoreError = fixedBusinessError(
  'SAME_STORE',
  ['toStoreId'],
  'A transfer moves stock between two different stores.',
)

export class UnknownStoreError extends BusinessError {
  constructor(readonly field: 'fromStoreId' | 'toStoreId') {
    super('unknown store')
  }
  userErrors(): UserErrorEntry[] {
    return [{ code: 'UNKNOWN_STORE', field: [this.field], message: 'No store has this ID.' }]
  }
}

export class InvalidTransferStateError extends BusinessError {
  constructor(
    readonly status: StockTransferStatus,
    readonly step: TransferStep,
  ) {
    super('invalid transfer state')
  }
  userErrors(): UserErrorEntry[] {
    const wanted = TRANSFER_STEPS[this.step].from
    return [
      {
        code: 'INVALID_TRANSFER_STATE',
        field: ['transferId'],
        message: `This transfer is ${this.status}; only a ${wanted} transfer can be ${PAST[this.step]}.`,
      },
    ]
  }
}

const PAST: Record<TransferStep, string> = { SHIP: 'shipped', RECEIVE: 'received', CANCEL: 'cancelled' }

/** Lines of a ship or receive request that do not fit the transfer: each named with its own code. */
export class TransferLinesError extends BusinessError {
  constructor(readonly entries: UserErrorEntry[]) {
    super('transfer lines')
  }
  userErrors(): UserErrorEntry[] {
    return this.entries
  }
}
