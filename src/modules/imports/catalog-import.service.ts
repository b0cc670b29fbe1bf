import type { Db } from '../../db/create-db.js'
import type { ImportLineError } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { recordAuditInBulk } from '../audit/audit.service.js'
import { addOutcome, type BatchOutcome, type BatchSettings, databaseRefusal, emptyOutcome } from './batch-outcome.js'
import { inBatchTransaction } from './batch-transaction.js'
import { draftProblems, type ProductDraft } from './catalog-draft.js'
import { catalogAuditChanges, groupConflicts, planPrices, productUpsertOf, variantUpsertsOf } from './catalog-plan.js'
import * as importRepository from './import.repository.js'

/**
 * Applies a batch of products: each product (its lines) wholly or not at all, refused products
 * reported line by line. One transaction for the batch; when the database refuses it (a barcode
 * taken meanwhile), each product is tried on its own so that only the culprit is refused.
 */
export async function applyCatalogBatch(
  db: Db,
  drafts: readonly ProductDraft[],
  settings: BatchSettings,
): Promise<BatchOutcome> {
  let outcome = emptyOutcome()
  const valid: ProductDraft[] = []
  for (const draft of drafts) {
    const problems = draftProblems(draft)
    const category = draft.categorySlug === null ? null : settings.context.categoriesBySlug.get(draft.categorySlug)
    if (category === undefined)
      problems.push({ line: draft.line, message: `category: no category has the slug ${draft.categorySlug}.` })
    if (problems.length > 0) outcome = addOutcome(outcome, refused(draft, problems))
    else valid.push(draft)
  }
  try {
    return addOutcome(outcome, await inBatchTransaction(db, valid, settings, writeProducts))
  } catch (error) {
    if (valid.length <= 1) {
      return valid[0]
        ? addOutcome(outcome, refused(valid[0], [{ line: valid[0].line, message: databaseRefusal(error) }]))
        : outcome
    }
    for (const draft of valid) outcome = addOutcome(outcome, await applyCatalogBatch(db, [draft], settings))
    return outcome
  }
}

/** A refused product: its problems, and every other line of it marked as not applied. */
function refused(draft: ProductDraft, problems: ImportLineError[]): BatchOutcome {
  const named = new Set(problems.map((problem) => problem.line))
  const others = draft.lines
    .filter((line) => !named.has(line))
    .map((line) => ({
      line,
      message: `not applied: product ${draft.handle} has a refused line (line ${problems[0]?.line}).`,
    }))
  return {
    changed: 0,
    failedLines: draft.lines.length,
    errors: [...problems, ...others].sort((a, b) => a.line - b.line),
  }
}

async function writeProducts(
  trx: Trx,
  drafts: readonly ProductDraft[],
  settings: BatchSettings,
): Promise<BatchOutcome> {
  const productsBefore = new Map(
    (await importRepository.lockProductsBySlug(trx, drafts.map((draft) => draft.handle).sort())).map((row) => [
      row.slug,
      row,
    ]),
  )
  const skus = drafts.flatMap((draft) => draft.variants.map((variant) => variant.sku))
  const lockedVariants = await importRepository.lockVariants(
    trx,
    skus,
    [...productsBefore.values()].map((row) => row.id),
  )
  const barcodes = drafts.flatMap((draft) =>
    draft.variants.flatMap((variant) => (variant.barcode ? [variant.barcode] : [])),
  )
  const barcodeOwners = new Map(
    (await importRepository.findVariantsByBarcode(trx, barcodes)).map((row) => [row.barcode ?? '', row.sku]),
  )
  let outcome = emptyOutcome()
  const accepted = drafts.filter((draft) => {
    const conflicts = groupConflicts(draft, productsBefore.get(draft.handle), lockedVariants, barcodeOwners)
    if (conflicts.length > 0) outcome = addOutcome(outcome, refused(draft, conflicts))
    return conflicts.length === 0
  })

  const productUpserts = new Map(
    accepted.map((draft) => [
      draft.handle,
      productUpsertOf(
        draft,
        draft.categorySlug === null ? null : (settings.context.categoriesBySlug.get(draft.categorySlug) ?? null),
      ),
    ]),
  )
  // In key order, as every batch takes its rows, so two imports inserting the same new rows cannot deadlock.
  const changedProducts = await importRepository.upsertProducts(
    trx,
    sortedBy([...productUpserts.values()], 'slug'),
    new Set(productsBefore.keys()),
  )
  const productIds = new Map([...productsBefore.values()].map((row) => [row.slug, row.id]))
  for (const row of changedProducts) productIds.set(row.key, row.id)

  const variantUpserts = new Map(
    accepted.flatMap((draft) =>
      variantUpsertsOf(draft, productIds.get(draft.handle)!).map((row) => [row.sku, row] as const),
    ),
  )
  const changedVariants = new Map(
    (
      await importRepository.upsertVariants(
        trx,
        sortedBy([...variantUpserts.values()], 'sku'),
        new Set(lockedVariants.map((row) => row.sku)),
      )
    ).map((row) => [row.key, row]),
  )
  const variantIds = new Map(lockedVariants.map((row) => [row.sku, row.id]))
  for (const row of changedVariants.values()) variantIds.set(row.key, row.id)

  const cells = accepted.flatMap((draft) =>
    draft.variants
      .filter((variant) => variant.prices.length > 0)
      .map((variant) => ({ sku: variant.sku, variantId: variantIds.get(variant.sku)!, prices: variant.prices })),
  )
  // A variant this batch created has no prices yet: only the others can hold overrides to correct.
  const existingPrices = await importRepository.lockPermanentPrices(
    trx,
    cells.filter((cell) => !changedVariants.get(cell.sku)?.inserted).map((cell) => cell.variantId),
  )
  const prices = planPrices(
    cells,
    existingPrices,
    settings.author.actor.type === 'STAFF' ? settings.author.actor.id : null,
  )
  await importRepository.insertPrices(trx, prices.inserts)
  await importRepository.updatePriceAmounts(trx, prices.updates)

  const audit = catalogAuditChanges(
    changedProducts,
    productUpserts,
    productsBefore,
    changedVariants,
    variantUpserts,
    new Map(lockedVariants.map((row) => [row.sku, row])),
    prices,
    variantIds,
  )
  await recordAuditInBulk(trx, settings.author, audit)
  return addOutcome(outcome, {
    changed: changedProducts.length + changedVariants.size + prices.inserts.length + prices.updates.length,
    failedLines: 0,
    errors: [],
  })
}

function sortedBy<T, K extends keyof T>(rows: T[], key: K): T[] {
  return rows.sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0))
}
