import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminMutation, barcodeFor, shirtInput } from '../fixtures/catalog-admin.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

/**
 * Parallel requests that claim the same SKU, barcode or slug: both may pass the up-front check,
 * and the unique index decides. Exactly one wins; every other gets the typed userError, never an
 * INTERNAL error. Real parallel connections need PostgreSQL (PGlite runs one statement at a time).
 */
const PARALLEL = 8
let testDb: TestDb
let api: TestApp
let admin: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
})
afterAll(() => testDb.destroy())

const CLASHES = ['sku', 'barcode', 'slug'] as const
type Clash = (typeof CLASHES)[number]

/** Request `index` of a batch: its own slug, SKUs and barcodes, except the one `clash` makes shared. */
function racingInput(clash: Clash, index: number) {
  const run = `r${clash}`
  const base = 700_000 + CLASHES.indexOf(clash) * 1_000
  const input = shirtInput(`${run}-${index}`)
  const [first, second] = input.variants
  return {
    ...input,
    slug: clash === 'slug' ? `race-${run}` : input.slug,
    variants: [
      {
        ...first!,
        sku: clash === 'sku' ? `RACE-${run}` : first!.sku,
        barcode: barcodeFor(clash === 'barcode' ? base : base + 1 + index * 2),
      },
      { ...second!, barcode: barcodeFor(base + 2 + index * 2) },
    ],
  }
}

async function productCreates(): Promise<number> {
  const row = await testDb.db
    .selectFrom('audit_entry')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('entity', '=', 'product')
    .where('action', '=', 'CREATE')
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

describe.runIf(process.env.DATABASE_URL || process.env.TEST_DATABASE_URL)(
  'parallel creates with one identifier',
  () => {
    it.each([
      ['sku', 'SKU_TAKEN'],
      ['barcode', 'BARCODE_TAKEN'],
      ['slug', 'SLUG_TAKEN'],
    ] as const)('same %s: exactly one product is created, the others answer %s', async (clash, code) => {
      const auditedBefore = await productCreates()
      const results = await Promise.all(
        Array.from({ length: PARALLEL }, (_, index) =>
          adminMutation<{ product: { id: string } | null }>(
            api,
            admin,
            'productCreate',
            racingInput(clash, index),
            'product { id }',
          ),
        ),
      )
      expect(results.flatMap((result) => result.errors ?? [])).toEqual([])
      const created = results.filter((result) => result.payload!.product !== null)
      expect(created).toHaveLength(1)
      for (const result of results.filter((entry) => entry.payload!.product === null)) {
        expect(result.payload!.userErrors.map((error) => error.code)).toEqual([code])
      }
      const products = await testDb.db
        .selectFrom('product')
        .select('slug')
        .where('slug', 'like', clash === 'slug' ? `race-r${clash}` : `linen-shirt-r${clash}-%`)
        .execute()
      expect(products).toHaveLength(1)
      expect(await productCreates()).toBe(auditedBefore + 1)
    })
  },
)
