import type { MiddlewareHandler } from 'hono'
import { clientAddressOf, type TrustedProxies } from './client-address.js'

export type ClientAddressEnv = { Variables: { clientAddress: string } }

/**
 * Sets `clientAddress` once per request, for the request budget and the attempt limits alike.
 * Under @hono/node-server the socket is `env.incoming.socket`; other runtimes have none.
 */
export function clientAddressMiddleware(trusted: TrustedProxies): MiddlewareHandler<ClientAddressEnv> {
  return async (c, next) => {
    c.set('clientAddress', clientAddressOf(socketAddressOf(c.env), c.req.header('x-forwarded-for') ?? null, trusted))
    await next()
  }
}

function socketAddressOf(env: unknown): string | undefined {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: unknown } } } | undefined)?.incoming
  const address = incoming?.socket?.remoteAddress
  return typeof address === 'string' ? address : undefined
}
