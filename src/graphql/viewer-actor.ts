import type { Viewer } from '../auth/viewer.js'
import type { AuditAuthor } from '../modules/audit/audit.service.js'
import type { StockActor } from '../modules/inventory/inventory.service.js'
import type { GraphQLContext } from './context.js'

/** Who the ledger and audit trail name for a change made by this viewer. */
export function actorOf(viewer: Viewer): StockActor {
  if (viewer.kind === 'staff') return { type: 'STAFF', id: viewer.staffId }
  if (viewer.kind === 'terminal') return { type: 'TERMINAL', id: viewer.terminalId }
  return { type: 'SYSTEM', id: null }
}

/** The author of a back-office change made through the API: the viewer, from the POS or the back office. */
export function auditAuthorOf(context: Pick<GraphQLContext, 'viewer' | 'clientAddress'>): AuditAuthor {
  return {
    actor: actorOf(context.viewer),
    channel: context.viewer.kind === 'terminal' ? 'POS' : 'BACK_OFFICE',
    clientAddress: context.clientAddress,
  }
}
