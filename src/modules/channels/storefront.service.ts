import { deviceKeyHash, isDeviceKeyOf, newDeviceKey } from '../../auth/device-keys.js'
import type { Db } from '../../db/create-db.js'
import type { StorefrontRow } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { type AuditAuthor, recordAudit } from '../audit/audit.service.js'
import { NotFoundError } from '../shared/not-found.js'
import * as storefrontRepository from './storefront.repository.js'

/**
 * Storefront keys, sent as X-Storefront-Key. Publishable: they ship inside a web page or an app,
 * so they prove which storefront a request comes through, not who the shopper is. Still kept
 * hashed, so the database alone cannot be used to impersonate one.
 */
export const STOREFRONT_KEY_PREFIX = 'csk_'

export type StorefrontChannel = StorefrontRow['channel']

export function isStorefrontKey(key: string): boolean {
  return isDeviceKeyOf(STOREFRONT_KEY_PREFIX, key)
}

function audited(storefront: StorefrontRow) {
  return { name: storefront.name, channel: storefront.channel, revokedAt: storefront.revoked_at }
}

/** Creates a storefront of one channel; its key is returned once. */
export async function createStorefront(
  db: Db,
  author: AuditAuthor,
  input: { name: string; channel: StorefrontChannel; createdBy: string | null },
): Promise<{ storefront: StorefrontRow; storefrontKey: string }> {
  const storefrontKey = newDeviceKey(STOREFRONT_KEY_PREFIX)
  return inTransaction(db, async (trx) => {
    const storefront = await storefrontRepository.insertStorefront(trx, {
      ...input,
      keyHash: deviceKeyHash(storefrontKey),
    })
    await recordAudit(trx, author, {
      entity: 'storefront',
      entityId: storefront.id,
      action: 'CREATE',
      before: null,
      after: audited(storefront),
    })
    return { storefront, storefrontKey }
  })
}

/** Revokes a storefront's key: requests carrying it are refused from the next one on. */
export async function revokeStorefront(db: Db, author: AuditAuthor, storefrontId: string): Promise<StorefrontRow> {
  const storefront = await inTransaction(db, async (trx) => {
    const [before] = await storefrontRepository.findStorefrontsByIds(trx, [storefrontId])
    if (!before) return undefined
    const after = await storefrontRepository.revokeStorefront(trx, storefrontId)
    if (after && before.revoked_at === null) {
      await recordAudit(trx, author, {
        entity: 'storefront',
        entityId: storefrontId,
        action: 'REVOKE',
        before: audited(before),
        after: audited(after),
      })
    }
    return after
  })
  if (!storefront) throw new NotFoundError('Storefront', storefrontId)
  return storefront
}

/** The active storefront a key belongs to; undefined for unknown and revoked keys alike. */
export function findStorefrontOfKey(db: Db, key: string): Promise<StorefrontRow | undefined> {
  return storefrontRepository.findActiveStorefrontByKeyHash(db, deviceKeyHash(key))
}

export function findStorefrontsByIds(db: Db, ids: readonly string[]): Promise<StorefrontRow[]> {
  return storefrontRepository.findStorefrontsByIds(db, ids)
}

export function findAllStorefronts(db: Db): Promise<StorefrontRow[]> {
  return storefrontRepository.findAllStorefronts(db)
}
