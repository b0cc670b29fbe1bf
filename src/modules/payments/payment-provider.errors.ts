/**
 * What a processor answers when it did get the request and said no. (When it could not be
 * reached, or failed on its side, providers throw `PaymentProviderUnavailableError` from
 * payment-provider.ts instead: nothing can be assumed done, and a retry with the same idempotency
 * key is safe.)
 */

/** The card was refused (Stripe's 402 card_error): the shopper may try another card. */
export class PaymentDeclinedError extends Error {
  override readonly name = 'PaymentDeclinedError'
  constructor(
    /** Stripe's error code, e.g. 'card_declined', 'expired_card', 'incorrect_cvc'. */
    readonly code: string,
    /** The issuer's reason when given, e.g. 'insufficient_funds', 'generic_decline'. */
    readonly declineCode: string | null,
    /** The intent the attempt belongs to, when the processor created one. */
    readonly providerRef: string | null,
    message: string,
  ) {
    super(message)
  }
}

/**
 * The processor refused the request itself (a 4xx other than a decline): the intent is in the
 * wrong state, the amount is too large, the idempotency key was used with other parameters, the
 * API key is wrong. Retrying the same request will not help.
 */
export class PaymentProviderRejectedError extends Error {
  override readonly name = 'PaymentProviderRejectedError'
  constructor(
    readonly statusCode: number,
    /** e.g. 'payment_intent_unexpected_state', 'amount_too_large', 'resource_missing', 'idempotency_error'. */
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}
