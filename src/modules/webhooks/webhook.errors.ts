import { BusinessError, fixedBusinessError, type UserErrorEntry } from '../shared/business-error.js'

/** The endpoint's URL is not one Comptoir calls (webhook-url.ts says why). */
export class InvalidWebhookUrlError extends BusinessError {
  constructor(readonly reason: string) {
    super(reason)
  }
  userErrors(): UserErrorEntry[] {
    return [{ code: 'INVALID_WEBHOOK_URL', field: ['url'], message: this.reason }]
  }
}

/** A signing secret an admin brought that cannot sign (webhook-signature.ts says why). */
export class InvalidWebhookSecretError extends BusinessError {
  constructor(readonly reason: string) {
    super(reason)
  }
  userErrors(): UserErrorEntry[] {
    return [{ code: 'INVALID_WEBHOOK_SECRET', field: ['secret'], message: this.reason }]
  }
}

/** A replay of a delivery still queued or being sent would send it twice. */
export class WebhookDeliveryPendingError extends fixedBusinessError(
  'WEBHOOK_DELIVERY_PENDING',
  ['deliveryId'],
  'This delivery is still queued; it will be sent (or retried) without a replay.',
) {}
