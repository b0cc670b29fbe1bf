import { deviceKeyHash, isDeviceKeyOf, newDeviceKey } from '../../auth/device-keys.js'
import type { Viewer } from '../../auth/viewer.js'
import type { Db } from '../../db/create-db.js'
import type { PosTerminalRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import { NotFoundError } from '../shared/not-found.js'
import { findStore } from '../stores/store.service.js'
import { ReaderOfAnotherStoreError } from './terminal.errors.js'
import * as terminalRepository from './terminal.repository.js'

/** Terminal keys are recognisable by their prefix (auth/device-keys.ts). */
export const TERMINAL_KEY_PREFIX = 'ctk_'

export function isTerminalKey(token: string): boolean {
  return isDeviceKeyOf(TERMINAL_KEY_PREFIX, token)
}

/** Registers a terminal for a store; its 256-bit key is returned once and only its hash kept. */
export async function registerTerminal(
  db: Db,
  input: { storeId: string; label: string; readerId: string | null; registeredBy: string | null },
): Promise<{ terminal: PosTerminalRow; terminalKey: string }> {
  if (!(await findStore(db, input.storeId))) throw new NotFoundError('Store', input.storeId)
  const terminalKey = newDeviceKey(TERMINAL_KEY_PREFIX)
  return inTransaction(db, async (trx) => {
    if (input.readerId) await assertReaderFreeFor(trx, input.storeId, input.readerId)
    const terminal = await terminalRepository.insertTerminal(trx, { ...input, keyHash: deviceKeyHash(terminalKey) })
    return { terminal, terminalKey }
  })
}

/** The terminal a key belongs to, while it is not revoked (found by its hash: auth/device-keys.ts). */
export async function viewerOfTerminalKey(db: Db, key: string): Promise<Viewer | null> {
  const terminal = await terminalRepository.findActiveTerminalByKeyHash(db, deviceKeyHash(key))
  return terminal
    ? { kind: 'terminal', terminalId: terminal.id, storeId: terminal.store_id, readerId: terminal.stripe_reader_id }
    : null
}

/** Revokes a terminal: its key stops working with the commit. */
export async function revokeTerminal(db: Db, terminalId: string): Promise<PosTerminalRow> {
  const terminal = await inTransaction(db, (trx) => terminalRepository.revokeTerminal(trx, terminalId))
  if (!terminal) throw new NotFoundError('PosTerminal', terminalId)
  return terminal
}

/** Renames a terminal or pairs it with another card reader of its store. */
export async function updateTerminal(
  db: Db,
  terminalId: string,
  changes: { label?: string; readerId?: string | null },
): Promise<PosTerminalRow> {
  const terminal = await inTransaction(db, async (trx) => {
    if (changes.readerId) {
      const [found] = await terminalRepository.findTerminalsByIds(trx, [terminalId])
      if (!found) return undefined
      await assertReaderFreeFor(trx, found.store_id, changes.readerId)
    }
    return terminalRepository.updateTerminal(trx, terminalId, changes)
  })
  if (!terminal) throw new NotFoundError('PosTerminal', terminalId)
  return terminal
}

/** Whether a card reader stands in this store: an active terminal of the store is paired with it. */
export async function isReaderOfStore(db: Db, storeId: string, readerId: string): Promise<boolean> {
  return (await terminalRepository.findStoresOfReader(db, readerId)).includes(storeId)
}

async function assertReaderFreeFor(trx: Trx, storeId: string, readerId: string): Promise<void> {
  const stores = await terminalRepository.findStoresOfReader(trx, readerId)
  if (stores.some((other) => other !== storeId)) throw new ReaderOfAnotherStoreError()
}

export function findTerminalsByIds(db: Db, ids: readonly string[]) {
  return terminalRepository.findTerminalsByIds(db, ids)
}
