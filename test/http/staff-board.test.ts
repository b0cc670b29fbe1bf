import { Script } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
})
afterAll(async () => {
  await testDb?.destroy()
})

describe('GET /staff, the pickup board page', () => {
  it('is served with a strict CSP, no framing, no referrer and revalidating caches', async () => {
    const response = await api.app.request('/staff')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/html')
    const csp = response.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("connect-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).not.toContain('unsafe-eval')
    expect(response.headers.get('x-frame-options')).toBe('DENY')
    expect(response.headers.get('referrer-policy')).toBe('no-referrer')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('cache-control')).toBe('no-cache')
    const etag = response.headers.get('etag')
    expect(etag).toBeTruthy()
    expect((await api.app.request('/staff', { headers: { 'if-none-match': etag ?? '' } })).status).toBe(304)

    const html = await response.text()
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
    expect(scripts).toHaveLength(1)
    expect(scripts[0]?.[2]).toBe('')
    expect(html).not.toMatch(/<style|style=|\son[a-z]+=/i)
    expect(html).toMatch(/<link rel="stylesheet" href="\/staff\/board\.css\?v=[0-9a-f]{8}">/)
  })

  it('serves its script and stylesheet, cached for good only under their versioned URL', async () => {
    const html = await (await api.app.request('/staff')).text()
    const scriptUrl = /<script src="([^"]+)"/.exec(html)?.[1] ?? ''
    expect(scriptUrl).toMatch(/^\/staff\/board\.js\?v=[0-9a-f]{8}$/)
    const script = await api.app.request(scriptUrl)
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(script.headers.get('content-security-policy')).toContain("script-src 'self'")
    const source = await script.text()
    expect(() => new Script(source, { filename: 'board.js' })).not.toThrow()
    // Data reaches the DOM as text only, and the token stays in this tab's sessionStorage.
    expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|localStorage|EventSource/)
    expect((await api.app.request('/staff/board.js')).headers.get('cache-control')).toBe('no-cache')
    const styles = await api.app.request('/staff/board.css')
    expect(styles.headers.get('content-type')).toBe('text/css; charset=utf-8')
  })
})
