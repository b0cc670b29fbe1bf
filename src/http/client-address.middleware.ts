import type { MiddlewareHandler } from 'hono'
import { clientAddressOf, type TrustedProxies } from './client-address.js'

export type ClientAddressEnv = { Variables: { clientAddress: string } }

/** The address of the peer a request came from, where the runtime has no socket to ask. */
export type PeerAddressOf = (request: Request) => string | undefined

/**
 * Sets `clientAddress` once per request, for the request budget and the attempt limits alike.
 * Under @hono/node-server the peer is `env.incoming.socket`; a runtime without sockets names its
 * own (`peerAddressOf`: Workers take it from Cloudflare's edge).
 */
export function clientAddressMiddleware(
  trusted: TrustedProxies,
  peerAddressOf?: PeerAddressOf,
): MiddlewareHandler<ClientAddressEnv> {
  return async (c, next) => {
    const peer = peerAddressOf ? peerAddressOf(c.req.raw) : socketAddressOf(c.env)
    c.set('clientAddress', clientAddressOf(peer, c.req.header('x-forwarded-for') ?? null, trusted))
    await next()
  }
}

function socketAddressOf(env: unknown): string | undefined {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: unknown } } } | undefined)?.incoming
  const address = incoming?.socket?.remoteAddress
  return typeof address === 'string' ? address : undefined
}
