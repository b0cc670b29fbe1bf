import type Stripe from 'stripe'
import type { StripeConfig } from '../../config.js'
import { createOfflineProvider } from './offline.provider.js'
import type { OnlinePaymentProvider } from './payment-provider.js'
import { createStripeProvider } from './stripe.provider.js'

/** How this instance takes online payments, and what the Stripe webhook endpoint needs. */
export interface AppPayments {
  online: OnlinePaymentProvider
  /** `client()`: the SDK is loaded on first use (stripe-sdk.ts). */
  stripe: { client: () => Promise<Stripe>; webhookSecret: string } | null
}

export function paymentsFor(stripe: StripeConfig | null): AppPayments {
  if (!stripe) return { online: createOfflineProvider(), stripe: null }
  const provider = createStripeProvider({ secretKey: stripe.secretKey, apiBase: stripe.apiBase ?? undefined })
  return { online: provider, stripe: { client: provider.client, webhookSecret: stripe.webhookSecret } }
}
