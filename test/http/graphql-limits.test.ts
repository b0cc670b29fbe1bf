import { getIntrospectionQuery } from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_NODE_IDS } from '../../src/graphql/builder.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
})
afterAll(() => testDb.destroy())

const messages = (result: { errors?: { message: string }[] }) => (result.errors ?? []).map((e) => e.message).join(' ')

describe('depth limit', () => {
  /** __Type.fields.type.fields… is a cycle: as deep as the client likes. */
  const deepIntrospection = (levels: number) => {
    let selection = 'name'
    for (let i = 0; i < levels; i++) selection = `fields { type { ${selection} } }`
    return `{ __schema { types { ${selection} } } }`
  }

  it('bounds introspection like any other field, whatever the operation is called', async () => {
    for (const name of ['', 'query __schema', 'query IntrospectionQuery']) {
      const result = await api.gql(`${name} ${deepIntrospection(10)}`)
      expect(result.data ?? null).toBeNull()
      expect(messages(result)).toMatch(/depth limit/i)
    }
  })

  it("still answers GraphiQL's introspection query", async () => {
    const result = await api.gql(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true }))
    expect(result.errors).toBeUndefined()
    expect(result.data).toHaveProperty('__schema.queryType.name', 'Query')
  })
})

describe('cost limit', () => {
  const query = `query($n: Int) {
    products(first: $n) { edges { node { variants { availabilityNear(near: { latitude: 48.86, longitude: 2.34 }, first: 20) { available } } } } }
  }`

  it('multiplies by page sizes, given inline or in variables', async () => {
    const tight = createTestApp(testDb, { env: { GRAPHQL_MAX_COST: '1000' } })
    const small = await tight.gql(query, { n: 2 })
    expect(small.errors).toBeUndefined()
    const large = await tight.gql(query, { n: 100 })
    expect(large.data ?? null).toBeNull()
    expect(large.errors?.[0]).toMatchObject({ extensions: { code: 'COST_LIMIT_EXCEEDED' } })
    const inline = await tight.gql(query.replace('first: $n', 'first: 100').replace('($n: Int)', ''))
    expect(inline.errors?.[0]?.extensions?.code).toBe('COST_LIMIT_EXCEEDED')
  })

  it('prices fragments that double each other without expanding them', async () => {
    const levels = 40
    const fragments = [`fragment F0 on Product { title }`]
    for (let i = 1; i <= levels; i++)
      fragments.push(`fragment F${i} on Product { ...F${i - 1} ... on Product { ...F${i - 1} } }`)
    const result = await api.gql(`{ products(first: 1) { edges { node { ...F${levels} } } } } ${fragments.join(' ')}`)
    expect(result.errors?.[0]?.extensions?.code).toBe('COST_LIMIT_EXCEEDED')
  })
})

describe('nodes(ids:)', () => {
  it(`takes at most ${MAX_NODE_IDS} ids`, async () => {
    const products = await api.gql<{ products: { edges: { node: { id: string } }[] } }>(
      '{ products(first: 1) { edges { node { id } } } }',
    )
    const id = products.data?.products.edges[0]?.node.id as string
    const nodes = (count: number) =>
      api.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: Array(count).fill(id) })
    const allowed = await nodes(MAX_NODE_IDS)
    expect(allowed.errors).toBeUndefined()
    expect(allowed.data?.nodes).toHaveLength(MAX_NODE_IDS)
    const refused = await nodes(MAX_NODE_IDS + 1)
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
  })
})
