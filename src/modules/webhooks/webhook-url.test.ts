import { describe, expect, it } from 'vitest'
import { isNonPublicAddress, webhookUrlProblem } from './webhook-url.js'

describe('webhookUrlProblem', () => {
  it.each([
    ['https://erp.example.com/hooks', 'production'],
    ['https://203.0.113.7/hooks', 'production'],
    ['https://erp.example.com/hooks', 'test'],
    ['http://127.0.0.1:8080/hooks', 'test'],
    ['http://localhost:8080/hooks', 'development'],
    ['http://[::1]:8080/hooks', 'development'],
  ] as const)('accepts %s in %s', (url, env) => {
    expect(webhookUrlProblem(url, env)).toBeNull()
  })

  it.each([
    ['http://erp.example.com/hooks', 'production'],
    ['http://localhost:8080/hooks', 'production'],
    ['http://erp.example.com/hooks', 'test'],
    ['https://localhost/hooks', 'production'],
    ['https://127.0.0.1/hooks', 'production'],
    ['https://10.1.2.3/hooks', 'production'],
    ['https://172.20.0.1/hooks', 'production'],
    ['https://192.168.1.10/hooks', 'production'],
    ['https://169.254.169.254/latest/meta-data', 'production'],
    ['https://100.64.0.1/hooks', 'production'],
    ['https://[fd00::1]/hooks', 'production'],
    ['https://[fe80::1]/hooks', 'production'],
    ['https://[::ffff:10.0.0.1]/hooks', 'production'],
    ['https://db.internal/hooks', 'production'],
    ['https://intranet/hooks', 'production'],
    ['https://user:secret@erp.example.com/hooks', 'test'],
    ['ftp://erp.example.com/hooks', 'test'],
    ['erp.example.com/hooks', 'test'],
  ] as const)('refuses %s in %s', (url, env) => {
    expect(webhookUrlProblem(url, env)).toEqual(expect.any(String))
  })
})

describe('isNonPublicAddress', () => {
  it.each([
    ['8.8.8.8', false],
    ['203.0.113.7', false],
    ['172.32.0.1', false],
    ['2001:db8::1', false],
    ['2a00:1450:4007:80e::200e', false],
    ['10.255.255.255', true],
    ['172.31.255.255', true],
    ['100.127.0.1', true],
    ['255.255.255.255', true],
    ['::1', true],
    ['::', true],
    ['::ffff:8.8.8.8', true],
    ['::ffff:808:808', true],
    ['64:ff9b::10.0.0.1', true],
    ['fdff::1', true],
    ['febf::1', true],
    ['ff02::1', true],
    ['not an address', true],
  ])('%s → %s', (address, refused) => {
    expect(isNonPublicAddress(address)).toBe(refused)
  })
})
