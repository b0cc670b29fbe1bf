import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, type TestDb } from '../helpers/test-db.js'
import { exampleSource, importText, tableCounts, textSource } from './import-helpers.js'

let testDb: TestDb

beforeAll(async () => {
  testDb = await createTestDb()
})
afterAll(() => testDb.destroy())

async function level(sku: string, storeCode: string) {
  return testDb.db
    .selectFrom('inventory_level')
    .innerJoin('variant', 'variant.id', 'inventory_level.variant_id')
    .innerJoin('store', 'store.id', 'inventory_level.store_id')
    .select(['inventory_level.on_hand', 'inventory_level.reserved', 'variant.id as variantId', 'store.id as storeId'])
    .where('variant.sku', '=', sku)
    .where('store.code', '=', storeCode)
    .executeTakeFirst()
}

describe('stock import', () => {
  it('sets on hand from the sample file with one IMPORT ledger row per change, and a second run changes nothing', async () => {
    const before = await level('TSH-ORG-NAV-M', 'PAR-RIVOLI')
    const result = await importText(testDb.db, exampleSource('stock.csv'))
    expect(result).toMatchObject({ kind: 'STOCK', processed: 5, failed: 0, fileError: null, errors: [] })
    const after = await level('TSH-ORG-NAV-M', 'PAR-RIVOLI')
    expect(after?.on_hand).toBe(24)
    const movement = await testDb.db
      .selectFrom('stock_movement')
      .selectAll()
      .where('variant_id', '=', after!.variantId)
      .where('store_id', '=', after!.storeId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(movement).toMatchObject({
      reason: 'IMPORT',
      on_hand_delta: 24 - (before?.on_hand ?? 0),
      actor_type: 'SYSTEM',
    })
    expect(movement.reference).toMatch(/^import:/)
    const ledger = await testDb.db
      .selectFrom('stock_movement')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('reason', '=', 'IMPORT')
      .executeTakeFirstOrThrow()
    expect(Number(ledger.n)).toBe(result.changed)

    const counts = await tableCounts(testDb.db)
    const again = await importText(testDb.db, exampleSource('stock.csv'))
    expect([again.changed, again.failed]).toEqual([0, 0])
    expect(await tableCounts(testDb.db)).toEqual(counts)
  })

  it('refuses a line below what orders reserve, unknown SKUs and stores, and bad numbers, applying the rest', async () => {
    const held = await level('MUG-GRE-CRE', 'PAR-RIVOLI')
    await testDb.db
      .updateTable('inventory_level')
      .set({ on_hand: 10, reserved: 4 })
      .where('store_id', '=', held!.storeId)
      .where('variant_id', '=', held!.variantId)
      .execute()
    const file = [
      'store,sku,on_hand',
      'PAR-RIVOLI,MUG-GRE-CRE,3',
      'PAR-RIVOLI,NO-SUCH-SKU,3',
      'NOWHERE,MUG-GRE-CRE,3',
      'PAR-RIVOLI,MUG-GRE-RUS,-1',
      'PAR-RIVOLI,MUG-GRE-RUS,33',
      'PAR-RIVOLI,MUG-GRE-CRE,4',
    ].join('\n')
    const result = await importText(testDb.db, textSource('stock.csv', file), { kind: 'STOCK' })
    expect(result).toMatchObject({ processed: 6, failed: 4 })
    expect(result.errors.map((error) => error.line).sort()).toEqual([2, 3, 4, 5])
    expect(result.errors.find((error) => error.line === 2)?.message).toMatch(/below the 4 units orders hold/)
    expect((await level('MUG-GRE-RUS', 'PAR-RIVOLI'))?.on_hand).toBe(33)
    expect(await level('MUG-GRE-CRE', 'PAR-RIVOLI')).toMatchObject({ on_hand: 4, reserved: 4 })
  })

  it('a dry run writes no level, ledger row or event', async () => {
    const counts = await tableCounts(testDb.db)
    const file = 'sku,store,on_hand\nTSH-ORG-SAG-L,PAR-RENNES,77\n'
    const result = await importText(testDb.db, textSource('stock.csv', file), { dryRun: true })
    expect(result).toMatchObject({ processed: 1, failed: 0, changed: 1 })
    expect(await tableCounts(testDb.db)).toEqual(counts)
    expect((await level('TSH-ORG-SAG-L', 'PAR-RENNES'))?.on_hand).not.toBe(77)
  })
})
