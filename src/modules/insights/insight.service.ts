import type { Viewer } from '../../auth/viewer.js'
import { canManageStore } from '../../auth/viewer.js'
import type { Db } from '../../db/create-db.js'
import { findStoresByIds } from '../stores/store.service.js'
import { InsightPeriodError, InsightStoresForbiddenError } from './insight.errors.js'
import { type InsightGrouping, sumCartStarts, sumDurationHistograms, sumOrders } from './insight.repository.js'
import { insightsCsv } from './insight-csv.js'
import { buildInsightRows, type InsightRow } from './insight-report.js'

export type { InsightGrouping } from './insight.repository.js'
export type { InsightRow } from './insight-report.js'

/** Two years and a day: a DAY report stays a page a client can hold. */
export const MAX_INSIGHT_DAYS = 732

export interface InsightQuery {
  /** Store-local calendar dates, both included: "YYYY-MM-DD". */
  from: string
  to: string
  /** null: every store the viewer may see. */
  storeIds: readonly string[] | null
  groupBy: InsightGrouping
}

/**
 * The figures of a period per day, week, store or channel, read from the rollups only. Admins see
 * every store (and, when they name none, carts started before any store was chosen); a manager
 * sees their stores, and naming another is refused as a whole rather than silently left out.
 */
export async function findInsights(db: Db, viewer: Viewer, query: InsightQuery): Promise<InsightRow[]> {
  checkPeriod(query.from, query.to)
  const storeIds = storesInScope(viewer, query.storeIds)
  const scope = { from: query.from, to: query.to, storeIds, groupBy: query.groupBy }
  const [carts, orders, histograms] = await Promise.all([
    sumCartStarts(db, scope),
    sumOrders(db, scope),
    sumDurationHistograms(db, scope),
  ])
  return buildInsightRows(query.groupBy, carts, orders, histograms)
}

function storesInScope(viewer: Viewer, asked: readonly string[] | null): readonly string[] | null {
  const admin = viewer.kind === 'staff' && viewer.role === 'ADMIN'
  if (admin) return asked === null ? null : [...new Set(asked)]
  if (viewer.kind !== 'staff' || viewer.role !== 'MANAGER') throw new InsightStoresForbiddenError(asked ?? [])
  if (asked === null) return viewer.storeIds
  const refused = asked.filter((storeId) => !canManageStore(viewer, storeId))
  if (refused.length > 0) throw new InsightStoresForbiddenError(refused)
  return [...new Set(asked)]
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

function checkPeriod(from: string, to: string): void {
  const start = dateOf(from)
  const end = dateOf(to)
  if (start === null || end === null) throw new InsightPeriodError('from and to are calendar dates, YYYY-MM-DD.')
  if (end < start) throw new InsightPeriodError('to comes before from.')
  const days = (end - start) / 86_400_000 + 1
  if (days > MAX_INSIGHT_DAYS) throw new InsightPeriodError(`A report covers at most ${MAX_INSIGHT_DAYS} days.`)
}

function dateOf(text: string): number | null {
  if (!DATE.test(text)) return null
  const at = Date.parse(`${text}T00:00:00Z`)
  // A date that does not exist (2026-02-30) does not print back as itself.
  return Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== text ? null : at
}

/** The same report as CSV (insight-csv.ts), stores named by their codes too. */
export async function findInsightsCsv(db: Db, viewer: Viewer, query: InsightQuery): Promise<string> {
  const rows = await findInsights(db, viewer, query)
  const storeIds = rows.flatMap((row) => (row.storeId === null ? [] : [row.storeId]))
  const stores = storeIds.length === 0 ? [] : await findStoresByIds(db, storeIds)
  return insightsCsv(rows, new Map(stores.map((store) => [store.id, store.code])))
}
