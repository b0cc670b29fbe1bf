/**
 * What the payment domain needs from a card processor. Stripe implements it for real; the
 * offline provider (demos, the embedded default, tests) settles everything at once. Calls are
 * network calls: never make one while holding a row lock.
 */
export type IntentStatus =
  | 'REQUIRES_ACTION' // waiting for the shopper (card details, 3-D Secure)
  | 'AUTHORIZED' // funds held, capturable
  | 'CAPTURED'
  | 'CANCELED'
  | 'FAILED'

export interface IntentState {
  providerRef: string
  status: IntentStatus
  /** Held and still capturable, in minor units. */
  amountCapturableMinor: number
  amountReceivedMinor: number
  amountRefundedMinor: number
}

export interface OnlinePaymentProvider {
  readonly name: 'STRIPE' | 'OFFLINE'
  /** A manual-capture authorisation for an order; idempotent on `idempotencyKey`. */
  authorize(request: {
    orderId: string
    paymentId: string
    amountMinor: number
    currencyCode: string
    idempotencyKey: string
  }): Promise<IntentState & { clientSecret: string | null }>
  /** Takes `amountMinor` (at most what was authorised); the rest of the hold is released. */
  capture(providerRef: string, amountMinor: number, idempotencyKey: string): Promise<IntentState>
  /** Voids an authorisation that will not be captured. */
  cancel(providerRef: string, idempotencyKey: string): Promise<IntentState>
  refund(providerRef: string, amountMinor: number, idempotencyKey: string): Promise<{ refundRef: string }>
  retrieve(providerRef: string): Promise<IntentState>
}

/** The processor could not be reached or answered with an error: nothing can be assumed done. */
export class PaymentProviderUnavailableError extends Error {}
