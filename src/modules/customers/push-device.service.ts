import type { Db } from '../../db/create-db.js'
import type { CustomerRow, PushPlatform } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { recordEvent } from '../events/event.service.js'
import { lockLiveCustomer } from './customer.service.js'
import type { PushDeviceRow } from './push-device.repository.js'
import * as pushDeviceRepository from './push-device.repository.js'

export type { PushDeviceRow }

/**
 * What is shown of a token, in the API and in the log: enough to tell a customer's installs
 * apart, too little to push to one.
 */
export function pushTokenEnding(token: string): string {
  return token.slice(-6)
}

/**
 * A customer's installs kept at most: a phone, a tablet, a browser or two, and the installs a
 * reinstall leaves behind until the push service reports them gone (forgetPushTokens). The oldest
 * registration goes first, so an install that still runs (it registers on every start) is never
 * the one dropped.
 */
export const MAX_PUSH_DEVICES = 10

/**
 * Registers the app install the customer is signed in on, so their order messages can be pushed
 * to it. Under the customer's row lock (as preferences are). An install registers its token again
 * on every start, which only renews it: the `customer.updated` event is recorded when the install
 * is new to the customer, for them and for the customer it moved from, not on every start.
 */
export function registerPushDevice(
  db: Db,
  customerId: string,
  device: { platform: PushPlatform; token: string; storefrontId: string | null; now: Date },
): Promise<{ device: PushDeviceRow; customer: CustomerRow }> {
  return inTransaction(db, async (trx) => {
    const customer = await lockLiveCustomer(trx, customerId)
    const holder = await pushDeviceRepository.lockPushToken(trx, device.token)
    const registered = await pushDeviceRepository.upsertPushDevice(trx, { customerId, ...device })
    await pushDeviceRepository.deleteOldestPushDevices(trx, customerId, MAX_PUSH_DEVICES)
    if (holder !== customerId) {
      await recordEvent(trx, customerUpdated(customerId))
      if (holder !== null) await recordEvent(trx, customerUpdated(holder))
    }
    return { device: registered, customer }
  })
}

/** Stops pushes to an install (the app signs out). Answers whether the customer had that token. */
export function removePushDevice(
  db: Db,
  customerId: string,
  token: string,
): Promise<{ removed: boolean; customer: CustomerRow }> {
  return inTransaction(db, async (trx) => {
    const customer = await lockLiveCustomer(trx, customerId)
    const removed = await pushDeviceRepository.deletePushDevice(trx, customerId, token)
    if (removed) await recordEvent(trx, customerUpdated(customerId))
    return { removed, customer }
  })
}

/**
 * Forgets the installs whose tokens a push service reported unregistered (the app was removed, the
 * browser subscription expired): a dead token is dead whoever registered it. Answers how many went.
 */
export function forgetPushTokens(db: Db, tokens: readonly string[]): Promise<number> {
  return pushDeviceRepository.deletePushDevicesByToken(db, tokens)
}

/** Each customer's installs, most recently registered first. */
export async function pushDevicesOfCustomers(
  db: Db,
  customerIds: readonly string[],
): Promise<Map<string, PushDeviceRow[]>> {
  const devices = await pushDeviceRepository.findPushDevicesOfCustomers(db, customerIds)
  const byCustomer = new Map<string, PushDeviceRow[]>(customerIds.map((id) => [id, []]))
  for (const device of devices) byCustomer.get(device.customer_id)?.push(device)
  return byCustomer
}

function customerUpdated(customerId: string) {
  return { type: 'customer.updated', aggregateType: 'customer', aggregateId: customerId, payload: { customerId } }
}
