import type { AppPayments } from './payment-setup.js'
import { createTerminalConnectionToken } from './stripe.provider.js'

/**
 * A short-lived token for a till's Stripe Terminal SDK to reach the store's reader; null when this
 * instance takes no card-present payments through Stripe. PaymentProviderUnavailableError when
 * Stripe cannot be reached.
 */
export async function createReaderConnectionToken(payments: AppPayments): Promise<string | null> {
  if (!payments.stripe) return null
  return createTerminalConnectionToken(await payments.stripe.client())
}
