import { randomUUID } from 'node:crypto'
import { PaymentProviderRejectedError } from './payment-provider.errors.js'
import type { IntentState, OnlinePaymentProvider } from './payment-provider.js'

/**
 * Settles everything at once, in memory: demos, the embedded default and tests. It follows
 * Stripe's rules where they matter to callers: capture at most what is held, cancel only what is
 * not captured, refund at most what was received, and an idempotency key replays its first
 * result but is refused for another operation or other parameters. State lives as long as the
 * process: after a restart an earlier ref is unknown (404).
 */
export function createOfflineProvider(): OnlinePaymentProvider {
  const intents = new Map<string, IntentState>()
  const byKey = new Map<string, { fingerprint: string; result: unknown }>()

  async function once<T>(key: string, operation: string, params: unknown[], run: () => T): Promise<T> {
    const fingerprint = JSON.stringify([operation, ...params])
    const stored = byKey.get(key)
    if (stored && stored.fingerprint !== fingerprint) {
      throw new PaymentProviderRejectedError(
        400,
        'idempotency_error',
        `Idempotency key '${key}' was used for another request.`,
      )
    }
    if (stored) return structuredClone(stored.result as T)
    const result = run()
    byKey.set(key, { fingerprint, result: structuredClone(result) })
    return result
  }

  function intentOf(providerRef: string): IntentState {
    const intent = intents.get(providerRef)
    if (!intent) throw new PaymentProviderRejectedError(404, 'resource_missing', `No such payment: '${providerRef}'.`)
    return intent
  }

  function unexpectedState(intent: IntentState, action: string): PaymentProviderRejectedError {
    const message = `Cannot ${action} a payment that is ${intent.status}.`
    return new PaymentProviderRejectedError(400, 'payment_intent_unexpected_state', message)
  }

  return {
    name: 'OFFLINE',
    authorize: (request) =>
      once(request.idempotencyKey, 'authorize', [request], () => {
        if (!Number.isInteger(request.amountMinor) || request.amountMinor < 1) {
          const message = `Cannot authorise ${request.amountMinor}: the amount must be a positive integer.`
          throw new PaymentProviderRejectedError(400, 'parameter_invalid_integer', message)
        }
        const intent: IntentState = {
          providerRef: `offline_${randomUUID()}`,
          status: 'AUTHORIZED',
          amountCapturableMinor: request.amountMinor,
          amountReceivedMinor: 0,
          amountRefundedMinor: 0,
        }
        intents.set(intent.providerRef, intent)
        return { ...intent, clientSecret: null }
      }),
    capture: (providerRef, amountMinor, idempotencyKey) =>
      once(idempotencyKey, 'capture', [providerRef, amountMinor], () => {
        const intent = intentOf(providerRef)
        if (intent.status !== 'AUTHORIZED') throw unexpectedState(intent, 'capture')
        if (!Number.isInteger(amountMinor) || amountMinor < 0 || amountMinor > intent.amountCapturableMinor) {
          const message = `Cannot capture ${amountMinor}: ${intent.amountCapturableMinor} is held.`
          throw new PaymentProviderRejectedError(400, 'amount_too_large', message)
        }
        Object.assign(intent, { status: 'CAPTURED', amountCapturableMinor: 0, amountReceivedMinor: amountMinor })
        return { ...intent }
      }),
    cancel: (providerRef, idempotencyKey) =>
      once(idempotencyKey, 'cancel', [providerRef], () => {
        const intent = intentOf(providerRef)
        if (intent.status === 'CAPTURED' || intent.status === 'CANCELED') throw unexpectedState(intent, 'cancel')
        Object.assign(intent, { status: 'CANCELED', amountCapturableMinor: 0 })
        return { ...intent }
      }),
    refund: (providerRef, amountMinor, idempotencyKey) =>
      once(idempotencyKey, 'refund', [providerRef, amountMinor], () => {
        const intent = intentOf(providerRef)
        if (intent.status !== 'CAPTURED') throw unexpectedState(intent, 'refund')
        const left = intent.amountReceivedMinor - intent.amountRefundedMinor
        if (!Number.isInteger(amountMinor) || amountMinor < 1 || amountMinor > left) {
          throw new PaymentProviderRejectedError(
            400,
            'amount_too_large',
            `Cannot refund ${amountMinor}: ${left} is left.`,
          )
        }
        intent.amountRefundedMinor += amountMinor
        return { refundRef: `offline_refund_${randomUUID()}` }
      }),
    retrieve: async (providerRef) => ({ ...intentOf(providerRef) }),
  }
}
