import type { Db } from '../../db/create-db.js'
import type { CustomerRow, Locale, MessageChannel } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { recordEvent } from '../events/event.service.js'
import { NotFoundError } from '../shared/not-found.js'
import { isE164 } from '../shared/phone.js'
import { PhoneRequiredError, PushDeviceRequiredError } from './customer.errors.js'
import * as customerRepository from './customer.repository.js'
import { lockLiveCustomer } from './customer.service.js'
import { findPushDevicesOfCustomers } from './push-device.repository.js'

export interface MessagePreferences {
  /** null: write in the store's language. */
  locale?: Locale | null
  /** E.164; null removes it. */
  phone?: string | null
  messageChannels?: MessageChannel[]
}

/**
 * How a customer wants to be told about their orders: the language, and email, text messages
 * and/or pushes to their app. Text messages need an E.164 phone, after the change (PHONE_REQUIRED
 * otherwise); choosing pushes needs an install registered (PUSH_DEVICE_REQUIRED), though one
 * removed later leaves the choice in place (the messages then go by email). An empty choice means
 * email, so an order is never left untold. Under the customer's row lock, with its event; messages
 * already queued keep the language they were queued in.
 */
export function updateMessagePreferences(
  db: Db,
  customerId: string,
  changes: MessagePreferences,
): Promise<CustomerRow> {
  return inTransaction(db, async (trx) => {
    const current = await lockLiveCustomer(trx, customerId)
    const channels = changes.messageChannels && [...new Set(changes.messageChannels)]
    const phone = changes.phone !== undefined ? changes.phone : current.phone
    if ((channels ?? current.message_channels).includes('SMS') && !isE164(phone)) throw new PhoneRequiredError()
    if (channels?.includes('PUSH') && (await findPushDevicesOfCustomers(trx, [customerId])).length === 0) {
      throw new PushDeviceRequiredError()
    }
    const updated = await customerRepository.updateMessagePreferences(trx, customerId, {
      locale: changes.locale,
      phone: changes.phone,
      messageChannels: channels && (channels.length > 0 ? channels : ['EMAIL']),
    })
    if (!updated) throw new NotFoundError('Customer', customerId)
    await recordEvent(trx, {
      type: 'customer.updated',
      aggregateType: 'customer',
      aggregateId: customerId,
      payload: { customerId },
    })
    return updated
  })
}
