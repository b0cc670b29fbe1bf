import type { Db } from '../../db/create-db.js'
import type { Channel, PriceOverrideRow } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { type AuditAuthor, recordAudit } from '../audit/audit.service.js'
import {
  BasePriceWindowError,
  InvalidPriceWindowError,
  UnknownPriceError,
  UnknownPriceStoreError,
  UnknownPriceVariantError,
} from './price.errors.js'
import { auditedOverride, type PriceContext, type ResolvedPrice } from './price.js'
import * as priceRepository from './price.repository.js'

/**
 * The unit price of each variant in one context, by variant id (price-rule.v1.sql.ts decides),
 * and whether the context's store exists (a store no one has would price as no store at all).
 */
export async function resolvePrices(
  db: Db,
  variantIds: readonly string[],
  context: PriceContext,
): Promise<{ storeFound: boolean; prices: Map<string, ResolvedPrice> }> {
  const rows = await priceRepository.resolvePrices(db, variantIds, context)
  return {
    storeFound: rows.every((row) => row.store_found),
    prices: new Map(rows.map((row) => [row.variant_id, { amountMinor: row.price_minor, overrideId: row.override_id }])),
  }
}

export interface PriceRange {
  minMinor: number
  maxMinor: number
  currencyCode: string
}

/** The lowest and highest price of each product's variants on sale, by product id. */
export async function findPriceRanges(
  db: Db,
  productIds: readonly string[],
  context: PriceContext,
): Promise<{ storeFound: boolean; ranges: Map<string, PriceRange> }> {
  const { storeFound, rows } = await priceRepository.findPriceRanges(db, productIds, context)
  return {
    storeFound,
    ranges: new Map(
      rows.map((row) => [
        row.product_id,
        { minMinor: row.min_minor, maxMinor: row.max_minor, currencyCode: row.currency_code },
      ]),
    ),
  }
}

/** Every override of each variant, in force or not, oldest first, by variant id. */
export async function findOverridesOfVariants(
  db: Db,
  variantIds: readonly string[],
): Promise<Map<string, PriceOverrideRow[]>> {
  const rows = await priceRepository.findOverridesOfVariants(db, variantIds)
  const byVariant = new Map<string, PriceOverrideRow[]>(variantIds.map((id) => [id, []]))
  for (const row of rows) byVariant.get(row.variant_id)?.push(row)
  return byVariant
}

export function findOverridesByIds(db: Db, ids: readonly string[]): Promise<PriceOverrideRow[]> {
  return priceRepository.findOverridesByIds(db, ids)
}

export interface PriceSetRequest {
  variantId: string
  amountMinor: number
  /** Neither store nor channel: the base price. */
  storeId: string | null
  channel: Channel | null
  startsAt: Date | null
  endsAt: Date | null
  author: AuditAuthor
}

/**
 * Sets a price: the variant's base price, or the override of exactly this scope and window (its
 * amount changes when one exists, else it is added). Under the variant's row lock, with its audit
 * entry, in one transaction. Who may set which scope is declared on the mutation.
 */
export async function setPrice(
  db: Db,
  request: PriceSetRequest,
): Promise<{ variantId: string; override: PriceOverrideRow | null }> {
  const { variantId, amountMinor, storeId, channel, startsAt, endsAt, author } = request
  const isBase = storeId === null && channel === null
  if (isBase && (startsAt || endsAt)) throw new BasePriceWindowError()
  if (startsAt && endsAt && startsAt.getTime() >= endsAt.getTime()) throw new InvalidPriceWindowError()
  return inTransaction(db, async (trx) => {
    const variant = await priceRepository.lockVariantPrice(trx, variantId)
    if (!variant) throw new UnknownPriceVariantError()
    if (storeId && !(await priceRepository.storeExists(trx, storeId))) throw new UnknownPriceStoreError()
    if (isBase) {
      await priceRepository.updateBasePrice(trx, variantId, amountMinor)
      await recordAudit(trx, author, {
        entity: 'price',
        entityId: variantId,
        action: 'BASE_PRICE_SET',
        before: { variantId, amountMinor: variant.price_minor },
        after: { variantId, amountMinor },
      })
      return { variantId, override: null }
    }
    const scope = { variantId, storeId, channel, startsAt, endsAt }
    const existing = await priceRepository.findSameOverride(trx, scope)
    const override = existing
      ? await priceRepository.updateOverrideAmount(trx, existing.id, amountMinor)
      : await priceRepository.insertOverride(trx, { ...scope, amountMinor, createdBy: author.actor.id })
    await recordAudit(trx, author, {
      entity: 'price',
      entityId: override.id,
      action: 'PRICE_SET',
      before: existing ? auditedOverride(existing) : null,
      after: auditedOverride(override),
    })
    return { variantId, override }
  })
}

/** Removes an override, with its audit entry, in one transaction; UNKNOWN_PRICE when there is none. */
export async function removePrice(
  db: Db,
  request: { priceId: string; author: AuditAuthor },
): Promise<{ variantId: string; priceId: string }> {
  return inTransaction(db, async (trx) => {
    const removed = await priceRepository.deleteOverride(trx, request.priceId)
    if (!removed) throw new UnknownPriceError()
    await recordAudit(trx, request.author, {
      entity: 'price',
      entityId: removed.id,
      action: 'PRICE_REMOVE',
      before: auditedOverride(removed),
      after: null,
    })
    return { variantId: removed.variant_id, priceId: removed.id }
  })
}
