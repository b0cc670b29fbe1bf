/**
 * The client's address as Cloudflare's edge saw it. The edge sets CF-Connecting-IP on every
 * request it passes to a worker, replacing any the client sent, so it can be trusted here (and
 * only here: on Node, a client could write the header itself).
 */
export function cloudflarePeerAddress(request: Request): string | undefined {
  return request.headers.get('cf-connecting-ip') ?? undefined
}
