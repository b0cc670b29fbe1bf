import { isIP } from 'node:net'

/**
 * Where an endpoint may point. HTTPS only, so the signed payloads (orders, customers' emails)
 * never cross the network in clear; plain HTTP only to this machine outside production, for a
 * developer's receiver and the tests. In production no address of a private, loopback,
 * link-local or otherwise non-public network: an admin's URL must not let Comptoir be aimed at
 * the services beside it (SSRF). A name that resolves to such an address is refused as the Node
 * server connects (webhook-target-guard.ts), since DNS may change after registration.
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
  if (kind === 4) return inIpv4Blocks(ipv4Number(address))
  if (kind === 6) return isNonPublicIpv6(address)
  return true
}

// Hand-written rather than node:net's BlockList, which workerd does not implement.
const NON_PUBLIC_V4: readonly (readonly [string, number])[] = [
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
]

function ipv4Number(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0)
}

function inIpv4Blocks(value: number): boolean {
  return NON_PUBLIC_V4.some(([network, prefix]) => {
    const size = 2 ** (32 - prefix)
    return Math.floor(value / size) === Math.floor(ipv4Number(network) / size)
  })
}

/** Loopback and unspecified, IPv4 written as IPv6 (mapped, NAT64), unique local, link-local, multicast. */
function isNonPublicIpv6(address: string): boolean {
  const words = ipv6Words(address.toLowerCase())
  const [first = 0] = words
  const zeroesBefore = (count: number) => words.slice(0, count).every((word) => word === 0)
  if (zeroesBefore(7) && (words[7] ?? 0) <= 1) return true
  if (zeroesBefore(5) && words[5] === 0xffff) return true
  if (first === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((word) => word === 0)) return true
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00
}

/** The eight 16-bit words of a valid IPv6 address (`::` expanded, a dotted IPv4 tail converted). */
function ipv6Words(address: string): number[] {
  const [head = '', tail] = address.split('::')
  const parse = (part: string) =>
    part === ''
      ? []
      : part.split(':').flatMap((word) => {
          if (!word.includes('.')) return [Number.parseInt(word, 16)]
          const value = ipv4Number(word)
          return [Math.floor(value / 65536), value % 65536]
        })
  const left = parse(head)
  const right = tail === undefined ? [] : parse(tail)
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right]
}
