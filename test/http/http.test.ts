import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GRAPHQL_MAX_BODY_BYTES } from '../../src/graphql/yoga.js'
import { createReadiness } from '../../src/http/readiness.js'
import { startLiveServer } from '../helpers/http-server.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
})
afterAll(() => testDb.destroy())

describe('operational endpoints', () => {
  it('answers /healthz and /readyz when the database is migrated', async () => {
    expect(await (await api.app.request('/healthz')).json()).toEqual({ status: 'ok' })
    const ready = await api.app.request('/readyz')
    expect(ready.status).toBe(200)
  })

  it('answers /readyz 503 once shutdown has started, while /healthz still answers', async () => {
    const readiness = createReadiness()
    const draining = createTestApp(testDb, { readiness })
    expect((await draining.app.request('/readyz')).status).toBe(200)
    readiness.drain()
    const ready = await draining.app.request('/readyz')
    expect(ready.status).toBe(503)
    expect(await ready.json()).toEqual({ status: 'unavailable', reason: 'shutting down' })
    expect((await draining.app.request('/healthz')).status).toBe(200)
  })

  it('reports not ready while a migration is pending', async () => {
    await testDb.db.deleteFrom('kysely_migration' as never).execute()
    try {
      const ready = await api.app.request('/readyz')
      expect(ready.status).toBe(503)
      expect(await ready.json()).toMatchObject({ reason: 'migrations pending' })
    } finally {
      await testDb.db
        .insertInto('kysely_migration' as never)
        .values({ name: '20261123000001_init', timestamp: new Date().toISOString() } as never)
        .execute()
    }
  })

  it('serves Prometheus metrics that count the requests it has seen', async () => {
    const metricsToken = 'metrics-token-for-the-scraper'
    const scraped = createTestApp(testDb, { env: { METRICS_TOKEN: metricsToken } })
    await scraped.app.request('/healthz')
    const response = await scraped.app.request('/metrics', { headers: { authorization: `Bearer ${metricsToken}` } })
    expect(response.headers.get('content-type')).toContain('text/plain')
    const text = await response.text()
    expect(text).toMatch(/comptoir_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/)
    expect(text).toContain('comptoir_http_request_duration_seconds_bucket')
  })

  it('gives every response a request id, and keeps the one the caller sent', async () => {
    const generated = await api.app.request('/healthz')
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    const given = await api.app.request('/healthz', { headers: { 'x-request-id': 'trace-42' } })
    expect(given.headers.get('x-request-id')).toBe('trace-42')
  })
})

describe('GraphQL limits and errors', () => {
  const deep = (depth: number) => {
    let selection = 'id'
    for (let i = 0; i < depth; i++) selection = `product { variants { ${selection} } }`
    return `{ products(first: 1) { edges { node { variants { ${selection} } } } } }`
  }

  it('refuses a GraphQL body over the limit with 413, whether it declares its length or streams it', async () => {
    const padded = (size: number) => JSON.stringify({ query: `{ __typename }${' '.repeat(size)}` })
    const declared = await api.app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: padded(GRAPHQL_MAX_BODY_BYTES),
    })
    expect(declared.status).toBe(413)
    expect(await declared.json()).toEqual({
      errors: [{ message: 'Request body too large', extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' } }],
    })

    const chunks = [padded(GRAPHQL_MAX_BODY_BYTES)]
    const streamed = await api.app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: new ReadableStream({
        pull: (controller) =>
          chunks.length > 0 ? controller.enqueue(new TextEncoder().encode(chunks.pop())) : controller.close(),
      }),
      duplex: 'half',
    } as RequestInit)
    expect(streamed.status).toBe(413)

    const underLimit = await api.app.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: padded(GRAPHQL_MAX_BODY_BYTES - 100),
    })
    expect(underLimit.status).toBe(200)
    expect(await underLimit.json()).toEqual({ data: { __typename: 'Query' } })
  })

  it('answers a JSON body read off the socket exactly as yoga answers the same request', async () => {
    const live = await startLiveServer(api)
    try {
      const bodies = [
        JSON.stringify({ query: '{ __typename }' }),
        JSON.stringify({ query: 'query Named { __typename }', operationName: 'Named', variables: {} }),
        '{"query": "{ __typename }"',
        '42',
        'null',
        JSON.stringify({ query: '{ nope }' }),
        JSON.stringify({ variables: {} }),
        JSON.stringify({ query: `{ __typename }${' '.repeat(GRAPHQL_MAX_BODY_BYTES)}` }),
      ]
      for (const body of bodies) {
        const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body }
        const viaYoga = await api.app.request('/graphql', init)
        const viaSocket = await fetch(live.url, init)
        expect({ body: body.slice(0, 40), status: viaSocket.status, json: await viaSocket.json() }).toEqual({
          body: body.slice(0, 40),
          status: viaYoga.status,
          json: await viaYoga.json(),
        })
      }
      // Streamed without a length: counted as it arrives.
      const chunk = new TextEncoder().encode(' '.repeat(64 * 1024))
      let sent = 0
      const streamed = await fetch(live.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new ReadableStream({
          pull(controller) {
            if (sent === 0) controller.enqueue(new TextEncoder().encode('{"query": "{ __typename }"'))
            if (sent++ < 20) controller.enqueue(chunk)
            else controller.close()
          },
        }),
        duplex: 'half',
      } as RequestInit)
      expect(streamed.status).toBe(413)
    } finally {
      await live.close()
    }
  })

  it('refuses a query deeper than the limit', async () => {
    const result = await api.gql(deep(8))
    expect(result.data).toBeUndefined()
    expect(result.errors?.[0]?.message).toMatch(/depth/i)
  })

  it('keeps the depth limit for an operation named __schema and a field aliased __schema', async () => {
    const named = await api.gql(`query __schema ${deep(8)}`)
    expect(named.errors?.[0]?.message).toMatch(/depth/i)
    const aliased = await api.gql(deep(8).replace('{ products', '{ __schema: products'))
    expect(aliased.errors?.map((error) => error.message).join(' ')).toMatch(/depth/i)
    expect(aliased.data ?? null).toBeNull()
  })

  it('refuses too many aliases', async () => {
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: categories { id }`).join(' ')
    const result = await api.gql(`{ ${aliases} }`)
    expect(result.errors?.[0]?.message).toMatch(/alias/i)
  })

  it('gives syntax and validation errors a code, never a stack', async () => {
    const syntax = await api.gql('{ products(first: ')
    expect(syntax.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED')
    const unknownField = await api.gql('{ nope }')
    expect(unknownField.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
    expect(JSON.stringify(unknownField)).not.toMatch(/stack|at .*\.ts/)
  })

  it('masks an unexpected failure as INTERNAL without SQL or stack', async () => {
    // Break the table the listing reads, so the resolver hits a raw database error.
    await testDb.db.schema.alterTable('product').renameTo('product_broken').execute()
    try {
      const response = await api.app.request('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ products(first: 1) { edges { node { title } } } }' }),
      })
      const body = await response.text()
      const parsed = JSON.parse(body) as { errors: { message: string; extensions: { code: string } }[] }
      expect(parsed.errors[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL' } })
      expect(body).not.toMatch(/select|relation|product_broken|stack|\.ts:/i)
    } finally {
      await testDb.db.schema.alterTable('product_broken').renameTo('product').execute()
    }
  })
})

describe('introspection', () => {
  const INTROSPECT = '{ __schema { queryType { name } } }'

  it('is on by default outside production', async () => {
    expect((await api.gql(INTROSPECT)).data).toEqual({ __schema: { queryType: { name: 'Query' } } })
  })

  it('is refused when turned off by config, and GraphiQL is not served', async () => {
    const closed = createTestApp(testDb, { env: { GRAPHQL_INTROSPECTION: 'false', GRAPHIQL: 'false' } })
    const result = await closed.gql(INTROSPECT)
    expect(result.errors?.[0]?.message).toMatch(/introspection/i)
    const page = await closed.app.request('/graphql', { headers: { accept: 'text/html' } })
    expect(await page.text()).not.toMatch(/graphiql/i)
  })
})
