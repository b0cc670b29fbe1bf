import { deviceKeyHash, isDeviceKeyOf, newDeviceKey } from '../../auth/device-keys.js'
import type { Db } from '../../db/create-db.js'
import type { KioskRow } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { type AuditAuthor, recordAudit } from '../audit/audit.service.js'
import { NotFoundError } from '../shared/not-found.js'
import { findStore } from '../stores/store.service.js'
import * as kioskRepository from './kiosk.repository.js'

/** Kiosk keys, sent as X-Kiosk-Key; recognisable by their prefix (auth/device-keys.ts). */
export const KIOSK_KEY_PREFIX = 'ckk_'

export function isKioskKey(key: string): boolean {
  return isDeviceKeyOf(KIOSK_KEY_PREFIX, key)
}

/** What the audit trail keeps of a kiosk: never its key or the key's hash. */
function audited(kiosk: KioskRow) {
  return { storeId: kiosk.store_id, name: kiosk.name, revokedAt: kiosk.revoked_at }
}

/** Registers a kiosk for a store; its 256-bit key is returned once and only its hash kept. */
export async function registerKiosk(
  db: Db,
  author: AuditAuthor,
  input: { storeId: string; name: string; registeredBy: string | null },
): Promise<{ kiosk: KioskRow; kioskKey: string }> {
  if (!(await findStore(db, input.storeId))) throw new NotFoundError('Store', input.storeId)
  const kioskKey = newDeviceKey(KIOSK_KEY_PREFIX)
  return inTransaction(db, async (trx) => {
    const kiosk = await kioskRepository.insertKiosk(trx, { ...input, keyHash: deviceKeyHash(kioskKey) })
    await recordAudit(trx, author, {
      entity: 'kiosk',
      entityId: kiosk.id,
      action: 'CREATE',
      before: null,
      after: audited(kiosk),
    })
    return { kiosk, kioskKey }
  })
}

/** Revokes a kiosk: its key is refused from the next request on. Revoking twice changes nothing. */
export async function revokeKiosk(db: Db, author: AuditAuthor, kioskId: string): Promise<KioskRow> {
  const kiosk = await inTransaction(db, async (trx) => {
    const [before] = await kioskRepository.findKiosksByIds(trx, [kioskId])
    if (!before) return undefined
    const after = await kioskRepository.revokeKiosk(trx, kioskId)
    if (after && before.revoked_at === null) {
      await recordAudit(trx, author, {
        entity: 'kiosk',
        entityId: kioskId,
        action: 'REVOKE',
        before: audited(before),
        after: audited(after),
      })
    }
    return after
  })
  if (!kiosk) throw new NotFoundError('Kiosk', kioskId)
  return kiosk
}

/** The active kiosk a key belongs to; undefined for unknown and revoked keys alike. */
export function findKioskOfKey(db: Db, key: string): Promise<KioskRow | undefined> {
  return kioskRepository.findActiveKioskByKeyHash(db, deviceKeyHash(key))
}

export function findKiosksByIds(db: Db, ids: readonly string[]): Promise<KioskRow[]> {
  return kioskRepository.findKiosksByIds(db, ids)
}

export function findKiosksOfStore(db: Db, storeId: string): Promise<KioskRow[]> {
  return kioskRepository.findKiosksOfStore(db, storeId)
}
