import { BlockList, isIP } from 'node:net'

/**
 * Where an endpoint may point. HTTPS only, so the signed payloads (orders, customers' emails)
 * never cross the network in clear; plain HTTP only to this machine outside production, for a
 * developer's receiver and the tests. In production no address of a private, loopback,
 * link-local or otherwise non-public network: an admin's URL must not let Comptoir be aimed at
 * the services beside it (SSRF). A name that resolves to such an address is refused at delivery
 * time by the Node server (webhook-target-guard.ts), since DNS may change after registration.
 */
export function webhookUrlProblem(raw: string, env: 'development' | 'production' | 'test'): string | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'Give an absolute URL, e.g. https://erp.example.com/hooks/comptoir.'
  }
  if (url.username || url.password) return 'Put no credentials in the URL; verify the signature instead.'
  const host = hostOf(url)
  const local = isLoopbackHost(host)
  if (url.protocol === 'http:') {
    if (env === 'production' || !local) return 'Use https:// (plain http only to localhost, outside production).'
    return null
  }
  if (url.protocol !== 'https:') return 'Use https://.'
  if (env === 'production' && (local || isNonPublicHost(host))) {
    return 'The URL points to a private or local network, which Comptoir does not call in production.'
  }
  return null
}

/** The hostname without IPv6 brackets, lower case. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
}

function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  return isIP(host) === 6 ? host === '::1' : isIP(host) === 4 && host.startsWith('127.')
}

/** A literal address outside the public internet, or a name only a private resolver answers. */
function isNonPublicHost(host: string): boolean {
  if (isIP(host) !== 0) return isNonPublicAddress(host)
  return host.endsWith('.local') || host.endsWith('.internal') || host.endsWith('.lan') || !host.includes('.')
}

/** True for loopback, private, link-local, shared, multicast and reserved addresses. */
export function isNonPublicAddress(address: string): boolean {
  const kind = isIP(address)
  if (kind === 4) return NON_PUBLIC_V4.check(address, 'ipv4')
  if (kind === 6) return MAPPED_V4.test(address) || NON_PUBLIC_V6.check(address, 'ipv6')
  return true
}

/** An IPv4 address written as IPv6: no webhook needs one, and it would dodge the IPv4 list. */
const MAPPED_V4 = /^::ffff:/i

// Two lists: a BlockList also matches IPv4 addresses against IPv6 rules, as mapped addresses.
const NON_PUBLIC_V4 = blockList('ipv4', [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
])
const NON_PUBLIC_V6 = blockList('ipv6', [
  ['::', 127],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
])

function blockList(type: 'ipv4' | 'ipv6', subnets: readonly (readonly [string, number])[]): BlockList {
  const blocks = new BlockList()
  for (const [network, prefix] of subnets) blocks.addSubnet(network, prefix, type)
  return blocks
}
