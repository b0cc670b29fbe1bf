import { BusinessError, fixedBusinessError, type UserErrorEntry } from '../shared/business-error.js'

export const PaymentUnavailableError = fixedBusinessError(
  'PAYMENT_UNAVAILABLE',
  null,
  'The payment service could not be reached; nothing was charged. The order is held for a few minutes: retry with the same idempotency key.',
)
export const PaymentFailedError = fixedBusinessError(
  'PAYMENT_FAILED',
  ['payment'],
  'The payment could not be taken. Nothing was handed over; try again or take another payment.',
)
export const PaymentRequiredError = fixedBusinessError(
  'PAYMENT_REQUIRED',
  ['payment'],
  'This order is paid at pickup: take a payment to hand it over.',
)

export const PaymentNotAuthorizedError = fixedBusinessError(
  'PAYMENT_NOT_AUTHORIZED',
  ['orderId'],
  'This order is paid online but holds no authorised card payment: nothing was handed over. Ask the customer to pay again, or cancel the order.',
)

export class InsufficientTenderError extends BusinessError {
  constructor(
    readonly dueMinor: number,
    readonly tenderedMinor: number,
  ) {
    super('insufficient tender')
  }
  userErrors(): UserErrorEntry[] {
    return [
      {
        code: 'INSUFFICIENT_TENDER',
        field: ['payment', 'amountTendered'],
        message: `Tendered ${this.tenderedMinor} is less than the ${this.dueMinor} due (minor units).`,
      },
    ]
  }
}

export const PaymentPendingError = fixedBusinessError(
  'PAYMENT_PENDING',
  ['payment'],
  'The amount is on the card reader: once the card is accepted, hand the order over again.',
)
