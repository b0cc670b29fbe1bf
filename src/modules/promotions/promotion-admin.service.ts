import type { Db } from '../../db/create-db.js'
import type { PromotionRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import { type AuditAuthor, recordAudit } from '../audit/audit.service.js'
import {
  DiscountCodeTakenError,
  InvalidPromotionError,
  UnknownPromotionError,
  UnknownPromotionStoreError,
} from './promotion.errors.js'
import * as promotionRepository from './promotion.repository.js'
import { checkPromotionDraft, draftOfRow, type PromotionDraft, promotionColumns } from './promotion-draft.js'
import { countLiveUses } from './promotion-usage.repository.js'

export interface SavedPromotion {
  promotion: PromotionRow
  codes: string[]
}

/** What staff may see of a promotion in the audit trail: all of it (codes are public, unlike gift cards). */
function audited(saved: SavedPromotion): Record<string, unknown> {
  return { ...draftOfRow(saved.promotion, saved.codes), archivedAt: saved.promotion.archived_at }
}

export function findPromotionsByIds(db: Db, ids: readonly string[]): Promise<PromotionRow[]> {
  return promotionRepository.findPromotionsByIds(db, ids)
}

export function codesOfPromotions(db: Db, ids: readonly string[]): Promise<Map<string, string[]>> {
  return promotionRepository.codesOfPromotions(db, ids)
}

/** Creates a promotion with its codes and audit entry in one transaction. Who may is declared on the mutation. */
export async function createPromotion(
  db: Db,
  request: { draft: PromotionDraft; author: AuditAuthor },
): Promise<SavedPromotion> {
  const draft = checkPromotionDraft(request.draft)
  return inTransaction(db, async (trx) => {
    await requireStores(trx, draft.storeIds)
    const promotion = await promotionRepository.insertPromotion(trx, promotionColumns(draft), request.author.actor.id)
    await setCodes(trx, promotion.id, draft.codes)
    const saved = { promotion, codes: draft.codes }
    await recordAudit(trx, request.author, {
      entity: 'promotion',
      entityId: promotion.id,
      action: 'CREATE',
      before: null,
      after: audited(saved),
    })
    return saved
  })
}

/**
 * Replaces the fields given, under the promotion's row lock. `mayChange` sees the promotion as
 * it is and as it would be, so a manager can neither take over an admin's promotion nor widen
 * theirs beyond their stores.
 */
export async function updatePromotion(
  db: Db,
  request: {
    id: string
    changes: Partial<PromotionDraft>
    author: AuditAuthor
    now: Date
    mayChange: (before: PromotionDraft, after: PromotionDraft) => boolean
  },
): Promise<SavedPromotion | { forbidden: true }> {
  return inTransaction(db, async (trx) => {
    const { promotion: existing, codes } = await lockPromotionWithCodes(trx, request.id)
    const before = draftOfRow(existing, codes)
    const defined = Object.fromEntries(Object.entries(request.changes).filter(([, value]) => value !== undefined))
    const draft = checkPromotionDraft({ ...before, ...defined })
    if (!request.mayChange(before, draft)) return { forbidden: true }
    await requireStores(trx, draft.storeIds)
    const promotion = await promotionRepository.updatePromotion(
      trx,
      existing.id,
      { ...promotionColumns(draft), ...(await limitCounter(trx, existing, draft)) },
      request.now,
    )
    await setCodes(trx, promotion.id, draft.codes)
    const saved = { promotion, codes: draft.codes }
    await auditPromotionChange(trx, request.author, 'UPDATE', { promotion: existing, codes }, saved)
    return saved
  })
}

/**
 * A total limit counts its uses in times_used, which only promotions with such a limit keep up
 * (promotion-uses.v2.sql.ts): a limit set or changed restarts the counter from the live uses,
 * under the promotion's row lock, and a limit below them is refused.
 */
async function limitCounter(trx: Trx, existing: PromotionRow, draft: PromotionDraft) {
  if (draft.usageLimit === null || draft.usageLimit === existing.usage_limit) return {}
  const used = (await countLiveUses(trx, [existing.id])).get(existing.id) ?? 0
  if (used > draft.usageLimit) {
    throw new InvalidPromotionError(['usageLimit'], `${used} uses are already taken; the limit cannot be lower.`)
  }
  return { times_used: used }
}

export function liveUsesOfPromotions(db: Db, promotionIds: readonly string[]): Promise<Map<string, number>> {
  return countLiveUses(db, promotionIds)
}

/** Stops a promotion applying from now on; orders that used it keep their snapshot. Archiving twice changes nothing. */
export async function archivePromotion(
  db: Db,
  request: { id: string; author: AuditAuthor; now: Date },
): Promise<SavedPromotion> {
  return inTransaction(db, async (trx) => {
    const { promotion: existing, codes } = await lockPromotionWithCodes(trx, request.id)
    if (existing.archived_at !== null) return { promotion: existing, codes }
    const promotion = await promotionRepository.archivePromotion(trx, existing.id, request.now)
    const saved = { promotion, codes }
    await auditPromotionChange(trx, request.author, 'ARCHIVE', { promotion: existing, codes }, saved)
    return saved
  })
}

/** The promotion locked for a change, with its codes; UnknownPromotionError when there is none. */
async function lockPromotionWithCodes(trx: Trx, id: string): Promise<SavedPromotion> {
  const promotion = await promotionRepository.lockPromotion(trx, id)
  if (!promotion) throw new UnknownPromotionError()
  const codes = (await promotionRepository.codesOfPromotions(trx, [promotion.id])).get(promotion.id) ?? []
  return { promotion, codes }
}

function auditPromotionChange(
  trx: Trx,
  author: AuditAuthor,
  action: 'UPDATE' | 'ARCHIVE',
  before: SavedPromotion,
  after: SavedPromotion,
): Promise<unknown> {
  return recordAudit(trx, author, {
    entity: 'promotion',
    entityId: after.promotion.id,
    action,
    before: audited(before),
    after: audited(after),
  })
}

async function requireStores(trx: Trx, storeIds: readonly string[]): Promise<void> {
  if ((await promotionRepository.countExistingStores(trx, storeIds)) !== storeIds.length)
    throw new UnknownPromotionStoreError()
}

async function setCodes(trx: Trx, promotionId: string, codes: readonly string[]): Promise<void> {
  const taken = await promotionRepository.replaceCodes(trx, promotionId, codes)
  if (taken.length > 0) throw new DiscountCodeTakenError(taken)
}
