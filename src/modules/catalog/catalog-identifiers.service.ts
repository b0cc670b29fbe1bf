import type { Db } from '../../db/create-db.js'
import { isUniqueViolation } from '../../db/sql-errors.js'
import type { UserErrorEntry } from '../shared/business-error.js'
import { InvalidInputError } from '../shared/invalid-input.js'
import { CatalogInputError, catalogProblem, refuseProblems } from './catalog.errors.js'
import * as identifiersRepository from './catalog-identifiers.repository.js'

/**
 * The unique identifiers of the catalog (product slug, SKU, barcode) are checked before writing,
 * so the answer names the field at fault; the unique indexes settle the race between two
 * requests that both passed the check.
 */

export interface IdentifierClaims {
  slug: { value: string; field: string[] } | null
  skus: { value: string; field: string[] }[]
  barcodes: { value: string; field: string[] }[]
  /** The product or variant being changed keeps its own values. */
  exceptProductId: string | null
  exceptVariantId: string | null
}

export async function takenIdentifierProblems(db: Db, claims: IdentifierClaims): Promise<UserErrorEntry[]> {
  const taken = await identifiersRepository.findTakenIdentifiers(db, {
    slug: claims.slug?.value ?? null,
    skus: claims.skus.map((claim) => claim.value),
    barcodes: claims.barcodes.map((claim) => claim.value),
    exceptProductId: claims.exceptProductId,
    exceptVariantId: claims.exceptVariantId,
  })
  return [
    ...(claims.slug && taken.slugs.has(claims.slug.value)
      ? [catalogProblem.slugTaken(claims.slug.field, 'product')]
      : []),
    ...claims.skus.filter((claim) => taken.skus.has(claim.value)).map((claim) => catalogProblem.skuTaken(claim.field)),
    ...claims.barcodes
      .filter((claim) => taken.barcodes.has(claim.value))
      .map((claim) => catalogProblem.barcodeTaken(claim.field)),
  ]
}

export async function assertIdentifiersFree(db: Db, claims: IdentifierClaims): Promise<void> {
  refuseProblems(await takenIdentifierProblems(db, claims))
}

const CONSTRAINT_PROBLEMS: Record<string, UserErrorEntry> = {
  product_slug_key: catalogProblem.slugTaken(['slug'], 'product'),
  category_slug_key: catalogProblem.slugTaken(['slug'], 'category'),
  variant_sku_key: catalogProblem.skuTaken(['sku']),
  variant_barcode_key: catalogProblem.barcodeTaken(['barcode']),
}

/**
 * Runs a write whose identifiers were found free; when a parallel request took one in between,
 * the unique index refuses the write and this answers the same userError as the check would
 * have, checked again now that the other write has committed.
 */
export async function refusingTakenIdentifiers<T>(work: () => Promise<T>, checkAgain: () => Promise<void>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    const constraint = (error as { constraint?: unknown }).constraint
    if (!isUniqueViolation(error) || typeof constraint !== 'string' || !(constraint in CONSTRAINT_PROBLEMS)) throw error
    await checkAgain()
    throw new CatalogInputError([CONSTRAINT_PROBLEMS[constraint]!])
  }
}

/**
 * The currency of new prices: the one the network sells in, or the one asked for, which must be
 * one of the network's (CURRENCY_MISMATCH) and is needed where the network has several or none.
 */
export async function catalogCurrency(db: Db, requested: string | null): Promise<string> {
  const currencies = await identifiersRepository.findCatalogCurrencies(db)
  if (requested === null) {
    if (currencies.length === 1) return currencies[0]!
    throw new InvalidInputError(
      currencies.length === 0
        ? 'Give currencyCode: the catalog has no currency yet.'
        : `Give currencyCode, one of ${currencies.join(', ')}.`,
    )
  }
  if (currencies.length > 0 && !currencies.includes(requested)) {
    throw new CatalogInputError([catalogProblem.currencyMismatch(['currencyCode'], currencies.join(' or '))])
  }
  return requested
}
