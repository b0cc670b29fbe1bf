import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { schema } from '../../src/graphql/schema.js'
import { barcodeFor } from '../fixtures/catalog-admin.js'
import { globalId } from '../fixtures/ids.js'
import { argumentsArbitrary, type FuzzPools, operationFor, rootFields } from '../helpers/schema-fuzz.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

/**
 * The schema-wide fuzz (test/graphql/input-fuzz.test.ts) calls as callers the catalog refuses;
 * this one calls the catalog's mutations as an admin, so random and hostile input reaches the
 * rules, the SQL and the jsonb columns. No answer may be INTERNAL or a 5xx.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261205)
const RUNS_PER_FIELD = Number(process.env.FUZZ_RUNS ?? 80)
const CATALOG_MUTATIONS = new Set([
  'productCreate',
  'productUpdate',
  'productArchive',
  'variantCreate',
  'variantUpdate',
  'variantArchive',
  'categoryCreate',
  'categoryUpdate',
])

let testDb: TestDb
let api: TestApp
let admin: string
let pools: FuzzPools

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  const ids = async (table: 'product' | 'variant' | 'category', typename: string) =>
    (await testDb.db.selectFrom(table).select('id').orderBy('id').limit(4).execute()).map((row) =>
      globalId(typename, row.id),
    )
  const variants = await testDb.db.selectFrom('variant').select(['sku', 'barcode']).orderBy('sku').limit(3).execute()
  pools = {
    ids: [
      ...(await ids('product', 'Product')),
      ...(await ids('variant', 'Variant')),
      ...(await ids('category', 'Category')),
    ],
    strings: {
      sku: [...variants.map((variant) => variant.sku), 'NEW-SKU-1', 'new/sku.2'],
      barcode: [
        ...variants.flatMap((variant) => (variant.barcode ? [variant.barcode] : [])),
        barcodeFor(1),
        '036000291452',
      ],
      slug: ['new-product', 'fuzzed', 'a'],
      title: ['A product', 'Thé glacé'],
      name: ['Size', 'Colour', 'Thé & café'],
      value: ['S', 'M', 'Navy'],
      values: ['S', 'M', 'Navy'],
      url: ['https://cdn.example.com/a.jpg', 'javascript:alert(1)', 'http://x'],
      alt: ['Front', ''],
      description: ['Washed linen.'],
      currencyCode: ['EUR', 'USD', 'eur'],
    },
    instants: [new Date().toISOString()],
  }
}, 60_000)
afterAll(() => testDb.destroy())

describe('catalog mutations fuzzed as an admin', () => {
  it('answers every input without INTERNAL or 5xx', async () => {
    const failures: unknown[] = []
    const fields = rootFields(schema).filter(({ field }) => CATALOG_MUTATIONS.has(field.name))
    expect(fields.map(({ field }) => field.name).sort()).toEqual([...CATALOG_MUTATIONS].sort())
    for (const [index, { kind, field }] of fields.entries()) {
      const query = operationFor(kind, field)
      await fc
        .assert(
          fc.asyncProperty(argumentsArbitrary(field.args, pools), async (variables) => {
            const response = await api.app.request('/graphql', {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
              body: JSON.stringify({ query, variables }),
            })
            const body = (await response.json()) as { errors?: { message: string; extensions?: { code?: string } }[] }
            const internal = (body.errors ?? []).filter(
              (error) => !error.extensions?.code || error.extensions.code === 'INTERNAL',
            )
            if (response.status >= 500 || internal.length > 0) {
              failures.push({ field: field.name, variables: JSON.stringify(variables).slice(0, 400), internal })
              return false
            }
            return true
          }),
          { seed: SEED + index, numRuns: RUNS_PER_FIELD, endOnFailure: true },
        )
        .catch(() => undefined)
    }
    expect(failures).toEqual([])
  }, 180_000)
})
