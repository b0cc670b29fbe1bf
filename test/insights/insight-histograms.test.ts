import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { up as convertToHistograms } from '../../migrations/20261208000100_insight_histograms.js'
import { LAST_BUCKET } from '../../src/modules/insights/insight-buckets.js'
import { packedSamplesSql, unpackHistogram } from '../../src/modules/insights/insight-histogram.js'
import { histogram } from '../fixtures/histograms.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
beforeAll(async () => {
  testDb = await createTestDb()
})
afterAll(() => testDb.destroy())

const STORE = '00000000-0000-4000-8000-000000000001'

describe('duration histograms in the database', () => {
  it('reads back in JS what SQL packed, and adds histograms bucket by bucket', async () => {
    const { rows } = await sql<{ summed: string; added: string }>`
      WITH samples AS (
        SELECT * FROM (VALUES (0, 3), (7, 999999999998), (7, 1), (40, 12), (${LAST_BUCKET}, 5)) AS v(bucket, samples)
      )
      SELECT sum(${packedSamplesSql(sql`bucket`, sql`samples`)})::text AS summed,
        (${packedSamplesSql(sql`40`, sql`2`)} + ${packedSamplesSql(sql`1`, sql`4`)})::text AS added
      FROM samples`.execute(testDb.db)
    expect(unpackHistogram(rows[0]!.summed)).toEqual(histogram({ 0: 3, 7: 999_999_999_999, 40: 12, [LAST_BUCKET]: 5 }))
    expect(unpackHistogram(rows[0]!.added)).toEqual(histogram({ 1: 4, 40: 2 }))
  })

  it('converts the row-per-bucket rollups counted before the migration, each count kept', async () => {
    const db = testDb.db
    await sql`DROP TABLE insight_duration_daily`.execute(db)
    // The table as migration 20261207000070 created it.
    await sql`
      CREATE TABLE insight_duration_daily (
        day date NOT NULL, store_id uuid NOT NULL, channel text NOT NULL, metric smallint NOT NULL,
        bucket smallint NOT NULL, samples integer NOT NULL DEFAULT 0,
        PRIMARY KEY (day, store_id, channel, metric, bucket)
      )`.execute(db)
    await sql`
      INSERT INTO insight_duration_daily (day, store_id, channel, metric, bucket, samples) VALUES
        ('2026-03-02', ${STORE}, 'WEB', 1, 0, 2), ('2026-03-02', ${STORE}, 'WEB', 1, 37, 40),
        ('2026-03-02', ${STORE}, 'WEB', 1, ${LAST_BUCKET}, 1), ('2026-03-02', ${STORE}, 'WEB', 2, 20, 7),
        ('2026-03-03', ${STORE}, 'APP', 1, 37, 3)`.execute(db)
    // The migration's own step, run again on the old table (not through the migrator, which
    // refuses to re-run a migration once later ones have run).
    await convertToHistograms(db as unknown as Kysely<unknown>)

    const rows = await db
      .selectFrom('insight_duration_daily')
      .select([sql<string>`day::text`.as('day'), 'channel', 'metric', sql<string>`histogram::text`.as('histogram')])
      .orderBy(['day', 'metric'])
      .execute()
    expect(rows.map((row) => ({ ...row, histogram: unpackHistogram(row.histogram) }))).toEqual([
      { day: '2026-03-02', channel: 'WEB', metric: 1, histogram: histogram({ 0: 2, 37: 40, [LAST_BUCKET]: 1 }) },
      { day: '2026-03-02', channel: 'WEB', metric: 2, histogram: histogram({ 20: 7 }) },
      { day: '2026-03-03', channel: 'APP', metric: 1, histogram: histogram({ 37: 3 }) },
    ])
  })
})
