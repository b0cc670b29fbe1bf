import { randomUUID } from 'node:crypto'
import type { GraphQLAnswer } from './http.js'
import { at, globalIdOf } from './json.js'
import type { Probe } from './probe.js'

/** Deeper than any limit a server should allow (the default is 12): Product ↔ Variant, six times. */
const LEVELS = 6
const DEPTH = 4 + 2 * LEVELS

function deepSelection(levels: number): string {
  let selection = '{ id }'
  for (let level = 0; level < levels; level++) selection = `{ variants { product ${selection} } }`
  return `products(first: 1) { edges { node ${selection} } }`
}

const DEEP = deepSelection(LEVELS)

/** Introspection as deep as DEEP, yet cheap: a chain of single ofType links. */
const OF_TYPE_CHAIN = `type ${'{ ofType '.repeat(2 * LEVELS - 1)}{ name }${' }'.repeat(2 * LEVELS - 1)}`

/** Ways a document can look like introspection to a limit that skips introspection. */
const DISGUISES: readonly { how: string; document: string }[] = [
  { how: 'an operation named __schema', document: `query __schema { ${DEEP} }` },
  { how: 'an operation named __type', document: `query __type { ${DEEP} }` },
  { how: 'an operation named IntrospectionQuery', document: `query IntrospectionQuery { ${DEEP} }` },
  { how: 'a field aliased __schema', document: `query Deep { __schema: ${DEEP} }` },
  { how: 'a fragment named __schema', document: `query Deep { ...__schema } fragment __schema on Query { ${DEEP} }` },
  {
    how: 'inside a real __schema field',
    document: `query Deep { __schema { queryType { fields { ${OF_TYPE_CHAIN} } } } }`,
  },
]

function ran(answer: GraphQLAnswer): boolean {
  return at(answer.data, 'products') != null || at(answer.data, '__schema') != null
}

export const depthLimitDisguises: Probe = {
  name: 'depth limit with introspection-looking names',
  item: 7,
  async run({ http }) {
    const address = http.newAddress()
    const control = await http.gql(`query Deep { ${DEEP} }`, {}, { address })
    if (ran(control)) return [`a query ${DEPTH} levels deep runs: there is no depth limit at all`]
    const findings: string[] = []
    for (const disguise of DISGUISES) {
      const answer = await http.gql(disguise.document, {}, { address })
      if (ran(answer) && answer.errors.length === 0)
        findings.push(`a query ${DEPTH} levels deep escapes the depth limit as ${disguise.how}`)
    }
    return findings
  },
}

const NEAR = '{ latitude: 48.8606, longitude: 2.3376 }'

const STORE_WORK = '{ store { nextPickupSlot { start } openingHours { ranges { opens } } } }'

/**
 * Lists whose size the client chooses. Within every page cap, ten aliases × 100 products ×
 * 50 stores each is a cost far above any limit once page sizes count; a static cost that ignores
 * `first` lets it run. Pages beyond the caps must be refused outright.
 */
const PAGE_SIZE_ABUSES: readonly { how: string; document: string; field: string }[] = [
  {
    how: '10 aliases of products(first: 100) × availabilityNear(first: 50), within the page caps',
    field: 'p0',
    document: `{ ${Array.from(
      { length: 10 },
      (_, n) => `p${n}: products(first: 100) { edges { node { variants {
         availabilityNear(near: ${NEAR}, first: 50) ${STORE_WORK} } } } }`,
    ).join(' ')} }`,
  },
  {
    how: 'products(first: 1000) × availabilityNear(first: 1000)',
    field: 'products',
    document: `{ products(first: 1000) { edges { node { variants {
       availabilityNear(near: ${NEAR}, first: 1000) ${STORE_WORK} } } } } }`,
  },
  {
    how: 'stores(first: 1000)',
    field: 'stores',
    document: `{ stores(first: 1000, near: ${NEAR}) { edges { node { nextPickupSlot { start }
       openingHours { weekday ranges { opens closes } } } } } }`,
  },
]

export const costLimitPageSizes: Probe = {
  name: 'cost limit multiplied by page sizes',
  item: 7,
  async run({ http }) {
    const findings: string[] = []
    for (const abuse of PAGE_SIZE_ABUSES) {
      const answer = await http.gql(abuse.document, {}, { address: http.newAddress() })
      if (at(answer.data, abuse.field) != null && answer.errors.length === 0) {
        findings.push(`${abuse.how} runs: the cost limit does not count page sizes, nor are they capped`)
      }
    }
    return findings
  },
}

export const nodesWithManyIds: Probe = {
  name: 'nodes(ids:) with 10,000 ids',
  item: 7,
  async run({ http }) {
    const ids = Array.from({ length: 10_000 }, () => globalIdOf('Product', randomUUID()))
    const answer = await http.gql(
      'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      { ids },
      { address: http.newAddress() },
    )
    const nodes = at(answer.data, 'nodes')
    return Array.isArray(nodes) ? [`nodes(ids:) looked up ${nodes.length} ids in one request`] : []
  },
}

export const deepByBreadth: Probe = {
  name: 'aliases and repeated fields beyond the limits',
  item: 7,
  async run({ http }) {
    const aliases = Array.from({ length: 200 }, (_, n) => `a${n}: products(first: 1) { edges { cursor } }`).join(' ')
    const answer = await http.gql(`{ ${aliases} }`, {}, { address: http.newAddress() })
    return at(answer.data, 'a0') != null ? ['200 aliases of products(first:) in one query run'] : []
  },
}
