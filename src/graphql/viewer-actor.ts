import type { Viewer } from '../auth/viewer.js'
import type { StockActor } from '../modules/inventory/inventory.service.js'

/** Who the ledger and audit trail name for a change made by this viewer. */
export function actorOf(viewer: Viewer): StockActor {
  return viewer.kind === 'staff' ? { type: 'STAFF', id: viewer.staffId } : { type: 'SYSTEM', id: null }
}
