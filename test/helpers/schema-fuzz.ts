import fc from 'fast-check'
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from 'graphql'

/** Real values of the seeded database, so that fuzzed input reaches past the first lookup. */
export interface FuzzPools {
  /** Global ids of rows that exist: of every type, of this store and of another one. */
  ids: string[]
  /**
   * Strings the schema accepts somewhere (SKUs, barcodes, emails, codes, amounts), by the name
   * of the argument or field they suit; a name with no entry draws from all of them.
   */
  strings: Record<string, string[]>
  /** ISO instants near the pinned clock. */
  instants: string[]
}

const CONTROL_CHARACTERS = ['\u0000', '\u0001', '\u0008', '\u000b', '\u001f', '\u007f', '\u0085', '\ufeff', '\ud800']

/** Values that broke, or could break, a layer below GraphQL: the database, a parser, a column. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  ...CONTROL_CHARACTERS.map((character) => `x${character}y`),
  'x'.repeat(100_000),
  '9'.repeat(400),
  '999999999.99',
  '99999999999',
  '-1',
  '-0.01',
  '0',
  '1e9',
  'NaN',
  '0x10',
  '1.999',
  "'; DROP TABLE store; --",
  '%',
  '_',
  '\\',
  '{"a":1}',
  'tmr_',
  'tmr_\u0000',
  'ctk_',
  'Bearer x',
]

const MALFORMED_INSTANTS = [
  '',
  'yesterday',
  '2026-13-45T25:61:00Z',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.001Z',
  '-271821-04-20T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00Z',
  '2026-11-24T08:00:00\u0000Z',
]

const NONEXISTENT_UUID = '00000000-0000-4000-8000-000000000000'

function forgedIds(pools: FuzzPools): string[] {
  const typenames = ['Store', 'Variant', 'Product', 'Order', 'Cart', 'Customer', 'PosTerminal', 'Category', 'Payment']
  const encode = (text: string) => Buffer.from(text).toString('base64')
  const swapped = pools.ids.map((id) => {
    const [, raw] = Buffer.from(id, 'base64').toString().split(':')
    return encode(`${typenames[raw!.length % typenames.length]}:${raw}`)
  })
  return [
    ...typenames.map((typename) => encode(`${typename}:${NONEXISTENT_UUID}`)),
    ...typenames.map((typename) => encode(`${typename}:not-a-uuid`)),
    ...swapped,
    encode('Store'),
    encode(':'),
    encode(`Store:${NONEXISTENT_UUID}\u0000`),
    'not base64 at all!',
    '',
    '\u0000',
    'x'.repeat(100_000),
  ]
}

const EXTREME_INTS = [0, -1, 1, 2, 999, 1000, 10_000, 2_147_483_647, -2_147_483_648, 2 ** 31, 2 ** 53, -(2 ** 53)]
const EXTREME_FLOATS = [0, -0, 1e308, -1e308, 5e-324, 90.000001, -180.5, 20_100.1, 1e-9]

function typenameOf(id: string): string {
  return Buffer.from(id, 'base64').toString().split(':')[0] ?? ''
}

/** `storeId`, `variantIds`: ids of that type first, so that most cases get past the lookup. */
function plausibleIds(name: string, pools: FuzzPools): string[] {
  const stem = /^(?:.*?)([a-z]+)Ids?$/i.exec(name)?.[1]?.toLowerCase()
  const matching = stem ? pools.ids.filter((id) => typenameOf(id).toLowerCase().endsWith(stem)) : []
  return matching.length > 0 ? matching : pools.ids
}

function plausibleStrings(name: string, pools: FuzzPools): string[] {
  return pools.strings[name] ?? Object.values(pools.strings).flat()
}

/** Mostly plausible values (to reach deep code), often hostile ones (to break it). */
function leafArbitrary(
  typeName: string,
  name: string,
  pools: FuzzPools,
  enumValues: string[] | null,
): fc.Arbitrary<unknown> {
  if (enumValues) return fc.constantFrom(...enumValues)
  switch (typeName) {
    case 'Int':
      return fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constantFrom(...EXTREME_INTS), fc.integer())
    case 'Float':
      return fc.oneof(
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.constantFrom(...EXTREME_FLOATS),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
      )
    case 'Boolean':
      return fc.boolean()
    case 'ID':
      return fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...plausibleIds(name, pools)) },
        { weight: 1, arbitrary: fc.constantFrom(...pools.ids) },
        { weight: 2, arbitrary: fc.constantFrom(...forgedIds(pools)) },
      )
    case 'DateTime':
      return fc.oneof(fc.constantFrom(...pools.instants), fc.constantFrom(...MALFORMED_INSTANTS))
    default:
      return fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...plausibleStrings(name, pools)) },
        { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
      )
  }
}

/** An arbitrary for any input type, recursively: nulls for optional parts, empty and long lists. */
export function inputArbitrary(type: GraphQLInputType, name: string, pools: FuzzPools): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return requiredArbitrary(type.ofType, name, pools)
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 3, arbitrary: requiredArbitrary(type, name, pools) },
  )
}

function requiredArbitrary(type: GraphQLInputType, name: string, pools: FuzzPools): fc.Arbitrary<unknown> {
  if (isListType(type)) {
    const item = inputArbitrary(type.ofType, name, pools)
    return fc.oneof(
      { weight: 6, arbitrary: fc.array(item, { maxLength: 3 }) },
      { weight: 1, arbitrary: item.map((value) => [value, value]) },
      { weight: 1, arbitrary: item.map((value) => Array.from({ length: 250 }, () => value)) },
    )
  }
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields())
    const entries = fields.map((field) => [field.name, inputArbitrary(field.type, field.name, pools)] as const)
    return fc.record(Object.fromEntries(entries), { requiredKeys: [] })
  }
  const named = getNamedType(type)
  const enumValues = isEnumType(named) ? named.getValues().map((value) => value.name) : null
  return leafArbitrary(isScalarType(named) || enumValues ? named.name : 'String', name, pools, enumValues)
}

/** The arguments of a field as variables, one per argument. */
export function argumentsArbitrary(args: readonly GraphQLArgument[], pools: FuzzPools) {
  const entries = args.map((arg) => [arg.name, inputArbitrary(arg.type, arg.name, pools)] as const)
  return fc.record(Object.fromEntries(entries), {
    requiredKeys: args.filter((arg) => isNonNullType(arg.type)).map((a) => a.name),
  })
}

/** `query($a: T!) { field(a: $a) { …scalars, one level of objects… } }` for one root field. */
export function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const variables = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ')
  const passed = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ')
  const header = variables ? `${kind} Fuzz(${variables})` : `${kind} Fuzz`
  return `${header} { ${field.name}${passed ? `(${passed})` : ''} ${selectionFor(field.type, 0)} }`
}

function selectionFor(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type)
  if (isLeafType(named)) return ''
  if (isUnionType(named) || depth >= 2 || !(isObjectType(named) || isInterfaceType(named))) return '{ __typename }'
  const selected = Object.values(named.getFields())
    .filter((child) => child.args.every((arg) => !isNonNullType(arg.type)))
    .map((child) => `${child.name} ${selectionFor(child.type, depth + 1)}`)
  return `{ __typename ${selected.join(' ')} }`
}

/** Every query and mutation field of the schema, so fields added later are fuzzed too. */
export function rootFields(schema: GraphQLSchema) {
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const
  return roots.flatMap(([kind, type]) =>
    type ? Object.values(type.getFields()).map((field) => ({ kind, field })) : [],
  )
}
