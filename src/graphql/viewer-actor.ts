import type { Viewer } from '../auth/viewer.js'
import type { StockActor } from '../modules/inventory/inventory.service.js'

/** Who the ledger and audit trail name for a change made by this viewer. */
export function actorOf(viewer: Viewer): StockActor {
  if (viewer.kind === 'staff') return { type: 'STAFF', id: viewer.staffId }
  if (viewer.kind === 'terminal') return { type: 'TERMINAL', id: viewer.terminalId }
  return { type: 'SYSTEM', id: null }
}
