import { BlockList, isIP } from 'node:net'

/** What a request is counted against when its peer cannot be known (no socket, e.g. app.request()). */
export const UNKNOWN_CLIENT = 'unknown'

export interface TrustedProxies {
  has(address: string): boolean
}

/**
 * The proxies named by TRUST_PROXY: comma-separated addresses and CIDR blocks, IPv4 or IPv6.
 * Throws on anything else, so a typo cannot silently trust nobody (or everybody).
 */
export function parseTrustedProxies(list: string): TrustedProxies {
  const entries = list
    .split(',')
    .map((part) => part.trim())
    .filter((entry) => entry !== '')
    .map(parseEntry)
  // No proxy named (the usual case) answers without BlockList, whose check costs microseconds per
  // request, and which Cloudflare Workers do not have.
  if (entries.length === 0) return { has: () => false }
  const blocks = new BlockList()
  for (const { address, bits, type } of entries) {
    if (bits === null) blocks.addAddress(address, type)
    else blocks.addSubnet(address, bits, type)
  }
  return { has: (address) => isIP(address) !== 0 && blocks.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6') }
}

function parseEntry(entry: string): { address: string; bits: number | null; type: 'ipv4' | 'ipv6' } {
  const [address = '', prefix, extra] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || extra !== undefined) throw new Error(`not an address or CIDR block: ${entry}`)
  const type = family === 4 ? 'ipv4' : 'ipv6'
  if (prefix === undefined) return { address, bits: null, type }
  const bits = Number(prefix)
  if (!/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128)) throw new Error(`bad prefix length: ${entry}`)
  return { address, bits, type }
}

/**
 * Who the client is: the socket's peer, unless that peer is a trusted proxy; then the right-most
 * X-Forwarded-For entry that is not a trusted proxy. Entries left of it were written by the
 * client itself and prove nothing, so a forged header cannot pick someone else's counters.
 */
export function clientAddressOf(
  socketAddress: string | undefined,
  forwardedFor: string | null,
  trusted: TrustedProxies,
): string {
  if (!socketAddress) return UNKNOWN_CLIENT
  let client = normalise(socketAddress)
  if (!trusted.has(client) || !forwardedFor) return client
  const hops = forwardedFor.split(',').map((hop) => normalise(hop.trim()))
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] ?? ''
    // A garbled entry is where the chain stops being trustworthy: count the request against
    // the last proxy that wrote a sensible one.
    if (isIP(hop) === 0) return client
    client = hop
    if (!trusted.has(hop)) return hop
  }
  return client
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) and `10.0.0.1` are one client. */
function normalise(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  return mapped?.[1] ?? address.toLowerCase()
}
