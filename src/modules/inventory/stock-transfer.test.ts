import { describe, expect, it } from 'vitest'
import type { StockTransferStatus } from '../../db/database.js'
import { canTakeStep, storeTakingStep, type TransferStep } from './stock-transfer.js'

// Written out by hand: every (state, step) pair, so a change to TRANSFER_STEPS shows here.
const ALLOWED: Record<StockTransferStatus, TransferStep[]> = {
  CREATED: ['SHIP', 'CANCEL'],
  SHIPPED: ['RECEIVE'],
  RECEIVED: [],
  CANCELLED: [],
}

describe('the transfer state table', () => {
  for (const [status, allowed] of Object.entries(ALLOWED) as [StockTransferStatus, TransferStep[]][]) {
    for (const step of ['SHIP', 'RECEIVE', 'CANCEL'] as const) {
      it(`${allowed.includes(step) ? 'allows' : 'refuses'} ${step} from ${status}`, () => {
        expect(canTakeStep(status, step)).toBe(allowed.includes(step))
      })
    }
  }

  it('gives shipping and cancelling to the source store, receiving to the destination', () => {
    const stores = { fromStoreId: 'source', toStoreId: 'destination' }
    expect(storeTakingStep('SHIP', stores)).toBe('source')
    expect(storeTakingStep('CANCEL', stores)).toBe('source')
    expect(storeTakingStep('RECEIVE', stores)).toBe('destination')
  })
})
