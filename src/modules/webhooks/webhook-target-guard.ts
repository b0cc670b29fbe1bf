import { type LookupAddress, lookup } from 'node:dns'
import type { LookupFunction } from 'node:net'
import { isNonPublicAddress } from './webhook-url.js'

/**
 * The production check on Node, made by the connection itself: every address the endpoint's name
 * resolves to must be public, since a name accepted at registration may be pointed at a private
 * address later. Checking in the socket's own lookup means the address checked is the address
 * connected to, so a resolver answering one address to a check and another to the request a
 * moment later (DNS rebinding) gains nothing. Literal addresses never reach a lookup; registration
 * refuses the private ones (webhook-url.ts).
 */
export const publicAddressLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, [])
    const refused = addresses.find((entry) => isNonPublicAddress(entry.address))
    if (refused) return callback(new Error(`${hostname} resolves to a non-public address (${refused.address})`), [])
    const first = addresses[0]
    if (options.all) return callback(null, addresses)
    if (!first) return callback(new Error(`${hostname} resolves to no address`), [])
    callback(null, first.address, first.family)
  })
}
