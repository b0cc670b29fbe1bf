import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ean13CheckDigit } from '../../src/modules/catalog/catalog-rules.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'
import { CATALOG_HEADER, exampleSource, importText, tableCounts, textSource } from './import-helpers.js'

let testDb: TestDb

beforeAll(async () => {
  testDb = await createTestDb()
})
afterAll(() => testDb.destroy())

function barcode(sequence: number): string {
  const first12 = `2000009${String(sequence).padStart(5, '0')}`
  return `${first12}${ean13CheckDigit(first12)}`
}

describe('catalog import', () => {
  it('imports the sample CSV and JSON Lines files, and a second run changes nothing', async () => {
    const csv = await importText(testDb.db, exampleSource('catalog.csv'))
    expect(csv).toMatchObject({ kind: 'CATALOG', processed: 5, failed: 0, fileError: null, errors: [] })
    expect(csv.changed).toBe(2 + 5 + 7)
    const jsonl = await importText(testDb.db, exampleSource('catalog.jsonl'))
    expect(jsonl).toMatchObject({ kind: 'CATALOG', processed: 2, failed: 0, fileError: null, errors: [] })

    const apron = await testDb.db
      .selectFrom('product')
      .selectAll()
      .where('slug', '=', 'linen-apron')
      .executeTakeFirstOrThrow()
    expect(apron.title).toBe('Linen apron')
    expect(apron.description).toContain('\nMachine washable')
    expect(apron.options).toEqual([
      { name: 'Colour', values: ['Natural', 'Charcoal'] },
      { name: 'Size', values: ['Regular', 'Long'] },
    ])
    expect(apron.images).toEqual([
      { url: 'https://images.comptoir.dev/apron-natural.jpg', alt: 'Natural linen apron' },
      { url: 'https://images.comptoir.dev/apron-back.jpg', alt: null },
    ])
    const variant = await testDb.db
      .selectFrom('variant')
      .selectAll()
      .where('sku', '=', 'APR-LIN-CHA-LNG')
      .executeTakeFirstOrThrow()
    expect(variant).toMatchObject({
      product_id: apron.id,
      title: 'Charcoal / Long',
      price_minor: 3200,
      compare_at_price_minor: null,
      tax_rate_bp: 2000,
      currency_code: 'EUR',
      position: 3,
      selected_options: [
        { name: 'Colour', value: 'Charcoal' },
        { name: 'Size', value: 'Long' },
      ],
    })
    const mug = await testDb.db
      .selectFrom('variant')
      .innerJoin('price_override', 'price_override.variant_id', 'variant.id')
      .leftJoin('store', 'store.id', 'price_override.store_id')
      .select(['store.code', 'price_override.channel', 'price_override.amount_minor'])
      .where('variant.sku', '=', 'MUG-EMA-WHI')
      .orderBy('price_override.amount_minor')
      .execute()
    expect(mug).toEqual([
      { code: 'LYO-BELLECOUR', channel: null, amount_minor: 1290 },
      { code: null, channel: 'POS', amount_minor: 1350 },
    ])
    const audit = await testDb.db.selectFrom('audit_entry').select(['entity', 'action', 'channel']).execute()
    expect(audit.filter((entry) => entry.entity === 'product')).toHaveLength(4)
    expect(audit.filter((entry) => entry.entity === 'variant')).toHaveLength(8)
    expect(audit.filter((entry) => entry.entity === 'import_job')).toHaveLength(2)
    expect(new Set(audit.map((entry) => entry.channel))).toEqual(new Set(['CLI']))

    const before = await tableCounts(testDb.db)
    const again = await importText(testDb.db, exampleSource('catalog.csv'))
    const againJsonl = await importText(testDb.db, exampleSource('catalog.jsonl'))
    expect([again.changed, again.failed, againJsonl.changed, againJsonl.failed]).toEqual([0, 0, 0, 0])
    expect(await tableCounts(testDb.db)).toEqual(before)
  })

  it('applies the good lines, reports each bad one with its line and reason, and never half-applies a product', async () => {
    const lines = [
      CATALOG_HEADER,
      `good-one,Good one,,kitchen,,,GOOD-1,${barcode(101)},10.00,,20,,,,`,
      `bad-variant,Bad variant,,kitchen,Size,S,BADV-S,${barcode(102)},10.00,,20,,,,`,
      `bad-variant,,,,,M,BADV-M,1234567890123,10.00,,20,,,,`,
      `bad-variant,,,,,L,BADV-L,,ten,,20,,,,`,
      'bad-price,Bad price,,kitchen,,,BADP-1,,12.345,,20,,,,',
      'unknown-category,Unknown category,,no-such-category,,,UNK-1,,5.00,,20,,,,',
      'Bad Handle,Bad handle,,kitchen,,,BADH-1,,5.00,,20,,,,',
      `good-two,Good two,,kitchen,,,GOOD-2,,7.50,9.00,5.5,,7.00,,`,
      'taken-barcode,Taken barcode,,kitchen,,,TAKEN-1,2000000900018,5.00,,20,,,,',
    ]
    await importText(testDb.db, exampleSource('catalog.csv'))
    const result = await importText(testDb.db, textSource('mixed.csv', lines.join('\r\n')))
    expect(result).toMatchObject({ processed: 9, failed: 7 })
    const byLine = new Map<number, string[]>()
    for (const error of result.errors) byLine.set(error.line, [...(byLine.get(error.line) ?? []), error.message])
    expect([...byLine.keys()].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 10])
    expect(byLine.get(3)?.join()).toMatch(/not applied: product bad-variant/)
    expect(byLine.get(4)?.join()).toMatch(/barcode:/)
    expect(byLine.get(5)?.join()).toMatch(/price: "ten"/)
    expect(byLine.get(6)?.join()).toMatch(/price: "12.345"/)
    expect(byLine.get(7)?.join()).toMatch(/category: no category has the slug no-such-category/)
    expect(byLine.get(8)?.join()).toMatch(/handle:/)
    expect(byLine.get(10)?.join()).toMatch(/barcode 2000000900018 belongs to SKU APR-LIN-NAT-REG/)

    const skus = await testDb.db
      .selectFrom('variant')
      .select('sku')
      .where('sku', 'in', ['GOOD-1', 'GOOD-2', 'BADV-S', 'BADV-M', 'BADV-L', 'BADP-1', 'UNK-1', 'BADH-1', 'TAKEN-1'])
      .orderBy('sku')
      .execute()
    expect(skus.map((row) => row.sku)).toEqual(['GOOD-1', 'GOOD-2'])
    expect(await testDb.db.selectFrom('product').select('id').where('slug', '=', 'bad-variant').execute()).toEqual([])
  })

  it('refuses a product whose lines leave out one of its variants', async () => {
    await importText(testDb.db, exampleSource('catalog.csv'))
    const partial = [
      'handle,title,option1_name,option1_value,option2_name,option2_value,sku,price,tax_rate',
      'linen-apron,Linen apron,Colour,Natural,Size,Regular,APR-LIN-NAT-REG,25.00,20',
    ].join('\n')
    const result = await importText(testDb.db, textSource('partial.csv', partial))
    expect(result.failed).toBe(1)
    expect(result.errors[0]).toMatchObject({ line: 2, message: expect.stringMatching(/also has APR-LIN-/) })
    const price = await testDb.db
      .selectFrom('variant')
      .select('price_minor')
      .where('sku', '=', 'APR-LIN-NAT-REG')
      .executeTakeFirstOrThrow()
    expect(price.price_minor).toBe(2900)
  })

  it('a dry run checks every line, counts what would change and writes nothing', async () => {
    const before = await tableCounts(testDb.db)
    const file = [
      CATALOG_HEADER,
      'dry-one,Dry one,,kitchen,,,DRY-1,,3.00,,20,,2.50,,',
      'dry-two,,,,,,DRY-2,,3.00,,20,,,,',
    ].join('\n')
    const result = await importText(testDb.db, textSource('dry.csv', file), { dryRun: true })
    expect(result).toMatchObject({ processed: 2, failed: 1, changed: 3 })
    expect(result.errors).toEqual([{ line: 3, message: expect.stringMatching(/^title:/) }])
    expect(await tableCounts(testDb.db)).toEqual(before)
  })

  it('updates what changed and audits it with its state before and after', async () => {
    await importText(testDb.db, exampleSource('catalog.jsonl'))
    const changedFile = exampleSource('catalog.jsonl')
    const text: string[] = []
    const decoder = new TextDecoder()
    for await (const chunk of changedFile.chunks()) text.push(decoder.decode(chunk))
    const edited = text.join('').replace('"price":"11.50"', '"price":"12.00"')
    const result = await importText(testDb.db, textSource('catalog.jsonl', edited))
    expect(result).toMatchObject({ failed: 0, changed: 1 })
    const entry = await testDb.db
      .selectFrom('audit_entry')
      .selectAll()
      .where('entity', '=', 'variant')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(entry).toMatchObject({ action: 'UPDATE', channel: 'CLI', actor_type: 'SYSTEM' })
    expect(entry.before).toMatchObject({ sku: 'NOT-DOT-A5', priceMinor: 1150 })
    expect(entry.after).toMatchObject({ sku: 'NOT-DOT-A5', priceMinor: 1200, active: true, archivedAt: null })
  })

  it('refuses a line whose text holds a lone surrogate escape, as the API refuses such text', async () => {
    const before = await tableCounts(testDb.db)
    const line = JSON.stringify({
      handle: 'odd-mug',
      title: 'Odd mug',
      description: 'half \ud800 pair',
      category: 'kitchen',
      variants: [{ sku: 'ODD-MUG', price: '9.00', taxRate: '20' }],
    })
    const result = await importText(testDb.db, textSource('odd.jsonl', `${line}\n`))
    expect(result).toMatchObject({ failed: 1, changed: 0, fileError: null })
    expect(result.errors).toEqual([{ line: 1, message: expect.stringMatching(/^description: not valid Unicode/) }])
    expect(await tableCounts(testDb.db)).toEqual(before)
  })

  it('stops at a header it does not know, naming the column', async () => {
    const result = await importText(
      testDb.db,
      textSource('odd.csv', 'handle,sku,price,tax_rate,colour\nx,X-1,1.00,20,red\n'),
    )
    expect(result.fileError).toEqual({ line: 1, message: expect.stringMatching(/unknown column "colour"/) })
    expect(result.processed).toBe(0)
  })
})

// Two connections to one database: PostgreSQL only.
describe.skipIf(!process.env.DATABASE_URL)('catalog imports at the same time', () => {
  it("two imports adding the same prices on two connections add each once: the variant rows' locks order them", async () => {
    const { createDb } = await import('../../src/db/create-db.js')
    const other = await createDb({ kind: 'postgres', url: testDb.url!, poolMax: 2 })
    try {
      // The variants exist, without prices: the overrides both imports add are new to both.
      const lines = (prices: string) =>
        [
          CATALOG_HEADER,
          ...Array.from(
            { length: 40 },
            (_, index) => `race-${index},Race ${index},,kitchen,,,RACE-${index},,4.00,,20,,${prices}`,
          ),
        ].join('\n')
      await importText(testDb.db, textSource('race.csv', lines(',,'), 256))
      const file = lines('3.50,3.80,')
      const [first, second] = await Promise.all([
        importText(testDb.db, textSource('race.csv', file, 256)),
        importText(other, textSource('race.csv', file, 256)),
      ])
      expect([first.failed, second.failed]).toEqual([0, 0])
      expect(first.changed + second.changed).toBe(40 * 2)
      const prices = await testDb.db
        .selectFrom('price_override')
        .innerJoin('variant', 'variant.id', 'price_override.variant_id')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('variant.sku', 'like', 'RACE-%')
        .executeTakeFirstOrThrow()
      expect(Number(prices.n)).toBe(40 * 2)
    } finally {
      await other.destroy()
    }
  })

  it('two imports creating the same products at once create each once, and neither refuses a line', async () => {
    const { createDb } = await import('../../src/db/create-db.js')
    const other = await createDb({ kind: 'postgres', url: testDb.url!, poolMax: 2 })
    try {
      const file = [
        CATALOG_HEADER,
        ...Array.from(
          { length: 40 },
          (_, index) => `twin-${index},Twin ${index},,kitchen,,,TWIN-${index},,4.00,,20,,3.50,,`,
        ),
      ].join('\n')
      const [first, second] = await Promise.all([
        importText(testDb.db, textSource('twins.csv', file, 256)),
        importText(other, textSource('twins.csv', file, 256)),
      ])
      expect([first.failed, second.failed]).toEqual([0, 0])
      // A product, its variant and its POS price each, created by whichever import got there first.
      expect(first.changed + second.changed).toBe(40 * 3)
      const counts = await testDb.db
        .selectFrom('variant')
        .innerJoin('product', 'product.id', 'variant.product_id')
        .innerJoin('price_override', 'price_override.variant_id', 'variant.id')
        .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.count<string>('product.id').distinct().as('products')])
        .where('variant.sku', 'like', 'TWIN-%')
        .executeTakeFirstOrThrow()
      expect([Number(counts.n), Number(counts.products)]).toEqual([40, 40])
    } finally {
      await other.destroy()
    }
  })
})
