import type { CORSOptions } from 'graphql-yoga'

/** What a browser client sends: its JSON body, a bearer token, a cart token, a trace id, its storefront (or kiosk) key and device id. */
const ALLOWED_HEADERS = [
  'content-type',
  'authorization',
  'x-cart-token',
  'x-request-id',
  'x-storefront-key',
  'x-kiosk-key',
  'x-device-id',
]

/**
 * Cross-origin access to /graphql for the configured origins only. Yoga's default reflects
 * whatever Origin arrives, credentials included, which lets any site call the API from a
 * visitor's browser. Comptoir authenticates with headers, never cookies: no credentials mode.
 */
export function corsFor(origins: readonly string[]): (request: Request) => CORSOptions {
  const allowed = new Set(origins)
  return (request) => {
    const origin = request.headers.get('origin')
    if (origin === null || !allowed.has(origin)) return false
    return {
      origin: [origin],
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ALLOWED_HEADERS,
      credentials: false,
      maxAge: 600,
    }
  }
}
