import type { Channel } from '../../db/database.js'
import { BusinessError, fixedBusinessError, type UserErrorEntry } from '../shared/business-error.js'

/** A channel stated in the input that the request's key does not prove. */
export class ChannelNotAllowedError extends BusinessError {
  constructor(
    readonly claimed: Channel,
    readonly proven: Channel | null,
  ) {
    super('CHANNEL_NOT_ALLOWED')
  }

  userErrors(): UserErrorEntry[] {
    const message = this.proven
      ? `This request's key is for the ${this.proven} channel; it cannot act as ${this.claimed}.`
      : `${this.claimed} needs its device key: ${this.claimed === 'POS' ? 'a POS terminal key (Authorization: Bearer ctk_…)' : 'a kiosk key (X-Kiosk-Key)'}.`
    return [{ code: 'CHANNEL_NOT_ALLOWED', field: ['channel'], message }]
  }
}

/** REQUIRE_STOREFRONT_KEY is on and the request carried no storefront, kiosk or terminal key. */
export class StorefrontKeyRequiredError extends fixedBusinessError(
  'STOREFRONT_KEY_REQUIRED',
  null,
  'Send your storefront key as X-Storefront-Key (or a kiosk or terminal key).',
) {}
