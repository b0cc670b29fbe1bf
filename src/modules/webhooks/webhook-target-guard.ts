import { lookup } from 'node:dns/promises'
import { hostOf, isNonPublicAddress } from './webhook-url.js'

/**
 * The production check at delivery time on Node: every address the endpoint's name resolves to
 * must be public, since a name accepted at registration may be pointed at a private address
 * later. Answers why the target is refused, or null. (A resolver that answers differently to the
 * check and to the request a moment later is not stopped by this; an egress proxy would be.)
 */
export async function refusePrivateTarget(url: URL): Promise<string | null> {
  const addresses = await lookup(hostOf(url), { all: true })
  const refused = addresses.find((entry) => isNonPublicAddress(entry.address))
  return refused ? `${url.hostname} resolves to a non-public address (${refused.address})` : null
}
