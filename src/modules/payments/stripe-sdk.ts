import type Stripe from 'stripe'

let sdk: Promise<typeof Stripe> | undefined

/**
 * The Stripe SDK, loaded on first use rather than at start-up: it is a sixth of the server's
 * bundle, and an instance answers /readyz before its first payment (server.ts warms it right
 * after listening, so the first shopper does not wait for it either).
 */
export function loadStripeSdk(): Promise<typeof Stripe> {
  sdk ??= import('stripe').then((module) => module.default)
  return sdk
}
