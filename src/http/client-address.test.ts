import { describe, expect, it } from 'vitest'
import { clientAddressOf, parseTrustedProxies, UNKNOWN_CLIENT } from './client-address.js'

const nobody = parseTrustedProxies('')
const proxies = parseTrustedProxies('10.0.0.0/8, 192.168.1.7, fd00::/8')

describe('clientAddressOf', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(clientAddressOf('203.0.113.5', '198.51.100.1', nobody)).toBe('203.0.113.5')
    expect(clientAddressOf('10.1.2.3', '198.51.100.1', nobody)).toBe('10.1.2.3')
  })

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(clientAddressOf('203.0.113.5', '198.51.100.1', proxies)).toBe('203.0.113.5')
  })

  it('takes the right-most untrusted hop behind trusted proxies, not what the client wrote on the left', () => {
    expect(clientAddressOf('10.1.2.3', '198.51.100.1', proxies)).toBe('198.51.100.1')
    expect(clientAddressOf('10.1.2.3', '6.6.6.6, 198.51.100.1, 192.168.1.7', proxies)).toBe('198.51.100.1')
  })

  it('stops at a garbled hop, counting against the last proxy that wrote a sensible one', () => {
    expect(clientAddressOf('10.1.2.3', 'evil, 10.9.9.9', proxies)).toBe('10.9.9.9')
    expect(clientAddressOf('10.1.2.3', '', proxies)).toBe('10.1.2.3')
  })

  it('is the left-most hop when every hop is a trusted proxy', () => {
    expect(clientAddressOf('10.1.2.3', '10.0.0.9, 192.168.1.7', proxies)).toBe('10.0.0.9')
  })

  it('treats an IPv4 peer on a dual-stack socket as the IPv4 address, and matches IPv6 blocks', () => {
    expect(clientAddressOf('::ffff:203.0.113.5', null, nobody)).toBe('203.0.113.5')
    expect(clientAddressOf('::ffff:10.1.2.3', '198.51.100.1', proxies)).toBe('198.51.100.1')
    expect(clientAddressOf('FD00::1', '2001:db8::7', proxies)).toBe('2001:db8::7')
  })

  it('is one "unknown" client without a socket', () => {
    expect(clientAddressOf(undefined, '198.51.100.1', proxies)).toBe(UNKNOWN_CLIENT)
  })
})

describe('parseTrustedProxies', () => {
  it.each(['10.0.0.0/33', 'proxy.local', '10.0.0.1/8/2', '::1/129', '10.0.0.0/x'])('refuses %s', (list) => {
    expect(() => parseTrustedProxies(list)).toThrow()
  })
})
