import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_AUTHOR } from '../../src/modules/audit/audit.service.js'
import { ean13CheckDigit } from '../../src/modules/catalog/catalog-rules.js'
import { BATCHES_IN_FLIGHT } from '../../src/modules/imports/batch-pipeline.js'
import { runImport } from '../../src/modules/imports/import-run.service.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb

beforeAll(async () => {
  testDb = await createTestDb()
})
afterAll(() => testDb.destroy())

const PRODUCTS = 1500
const VARIANTS_PER_PRODUCT = 4
const BATCH_LINES = 200

describe('streaming', () => {
  it('reads a large file as it applies it: never more than a batch of lines ahead of what is written', async () => {
    let linesPulled = 0
    let maxAhead = 0
    const encoder = new TextEncoder()
    const source = {
      name: 'generated.csv',
      async *chunks() {
        yield encoder.encode('handle,title,category,option1_name,option1_value,sku,barcode,price,tax_rate\n')
        for (let product = 0; product < PRODUCTS; product++) {
          for (let variant = 0; variant < VARIANTS_PER_PRODUCT; variant++) {
            const first12 = `29${String(product * VARIANTS_PER_PRODUCT + variant).padStart(10, '0')}`
            linesPulled++
            yield encoder.encode(
              `gen-${product},Generated ${product},home,Size,S${variant},GEN-${product}-${variant},${first12}${ean13CheckDigit(first12)},${10 + variant}.00,20\n`,
            )
          }
        }
      },
    }
    const summary = await runImport(
      testDb.db,
      { source, kind: null, dryRun: false, author: CLI_AUTHOR, runId: randomUUID(), batchLines: BATCH_LINES },
      {
        onError: (error) => {
          throw new Error(`unexpected refusal: ${JSON.stringify(error)}`)
        },
        onProgress: (progress) => {
          maxAhead = Math.max(maxAhead, linesPulled - progress.processed)
        },
      },
    )
    expect(summary).toMatchObject({ processed: PRODUCTS * VARIANTS_PER_PRODUCT, failed: 0, fileError: null })
    // Held at most: the batches being written, the batch being filled, the product that overflowed
    // it (that is how the reader knows the batch is full) and the line that ended that product.
    expect(maxAhead).toBeGreaterThan(0)
    expect(maxAhead).toBeLessThanOrEqual((BATCHES_IN_FLIGHT + 1) * BATCH_LINES + VARIANTS_PER_PRODUCT + 1)
    const variants = await testDb.db
      .selectFrom('variant')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('sku', 'like', 'GEN-%')
      .executeTakeFirstOrThrow()
    expect(Number(variants.n)).toBe(PRODUCTS * VARIANTS_PER_PRODUCT)
  })
})
