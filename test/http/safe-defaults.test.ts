import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpMetrics } from '../../src/http/metrics.js'
import { serveMetrics } from '../../src/http/metrics-listener.js'
import { createLogger } from '../../src/logger.js'
import { createTestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb

beforeAll(async () => {
  testDb = await createTestDb()
})
afterAll(() => testDb.destroy())

const METRICS_TOKEN = 'a-long-metrics-scrape-token'

describe('/metrics on the public port', () => {
  it('is not served at all without METRICS_TOKEN', async () => {
    const { app } = createTestApp(testDb)
    expect((await app.request('/metrics')).status).toBe(404)
  })

  it('needs the bearer token when METRICS_TOKEN is set', async () => {
    const { app } = createTestApp(testDb, { env: { METRICS_TOKEN } })
    const scrape = (authorization?: string) =>
      app.request('/metrics', { headers: authorization ? { authorization } : {} })
    expect((await scrape()).status).toBe(401)
    expect((await scrape(`Bearer ${METRICS_TOKEN}x`)).status).toBe(401)
    expect((await scrape(`Bearer ${METRICS_TOKEN.slice(1)}`)).status).toBe(401)
    expect((await scrape(`Basic ${METRICS_TOKEN}`)).status).toBe(401)
    const granted = await scrape(`Bearer ${METRICS_TOKEN}`)
    expect(granted.status).toBe(200)
    expect(await granted.text()).toContain('comptoir_http_requests_total')
  })

  it('is left to the separate listener when METRICS_PORT is set', async () => {
    const { app } = createTestApp(testDb, { env: { METRICS_TOKEN, METRICS_PORT: '9464' } })
    const response = await app.request('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    expect(response.status).toBe(404)
  })
})

describe('CORS on /graphql', () => {
  const shop = 'https://shop.example'
  const preflight = (app: ReturnType<typeof createTestApp>['app'], origin: string) =>
    app.request('/graphql', {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    })

  it('answers a preflight from a configured origin, without credentials', async () => {
    const { app } = createTestApp(testDb, { env: { CORS_ORIGINS: `${shop},https://kiosk.example` } })
    const response = await preflight(app, shop)
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe(shop)
    expect(response.headers.get('access-control-allow-methods')).toContain('POST')
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization')
    expect(response.headers.get('access-control-allow-credentials')).toBeNull()
  })

  it('never reflects an origin it was not given, configured or not', async () => {
    const envs: Record<string, string>[] = [{ CORS_ORIGINS: shop }, {}]
    for (const env of envs) {
      const { app } = createTestApp(testDb, { env })
      const pre = await preflight(app, 'https://evil.example')
      expect(pre.headers.get('access-control-allow-origin')).toBeNull()
      expect(pre.headers.get('access-control-allow-credentials')).toBeNull()
      const post = await app.request('/graphql', {
        method: 'POST',
        headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      })
      expect(post.headers.get('access-control-allow-origin')).toBeNull()
    }
  })

  it('names the configured origin on the actual request', async () => {
    const { app } = createTestApp(testDb, { env: { CORS_ORIGINS: shop } })
    const response = await app.request('/graphql', {
      method: 'POST',
      headers: { origin: shop, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe(shop)
  })
})

describe('GraphiQL', () => {
  it('is served whole from this server, with no script or style from another host', async () => {
    const { app } = createTestApp(testDb, { env: { GRAPHIQL: 'true' } })
    const response = await app.request('/graphql', { headers: { accept: 'text/html' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/html')
    const html = await response.text()
    const external = [...html.matchAll(/<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?([^"'\s>]+)/gi)]
      .map((match) => match[1] as string)
      .filter((url) => /^(?:https?:)?\/\//i.test(url))
    expect(external).toEqual([])
    // The application itself is inline: the page renders with nothing else to fetch.
    expect(html).toContain('YogaGraphiQL.renderYogaGraphiQL(')
  })
})

describe('the METRICS_PORT listener', () => {
  it('serves /metrics on its own port, behind the token when one is set', async () => {
    const metrics = createHttpMetrics({ processMetrics: false })
    const server = serveMetrics(
      { host: '127.0.0.1', metrics: { token: METRICS_TOKEN, port: 0 } },
      metrics,
      createLogger('silent'),
    )
    if (!server) throw new Error('no metrics listener')
    try {
      await new Promise((resolve) => server.once('listening', resolve))
      const { port } = server.address() as AddressInfo
      const url = `http://127.0.0.1:${port}/metrics`
      expect((await fetch(url)).status).toBe(401)
      const scraped = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
      expect(scraped.status).toBe(200)
      expect(await scraped.text()).toContain('comptoir_http_requests_total')
      expect((await fetch(`http://127.0.0.1:${port}/graphql`)).status).toBe(404)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
