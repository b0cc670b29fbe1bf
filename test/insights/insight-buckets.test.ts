import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BUCKET_RATIO,
  bucketOfSeconds,
  bucketOfSecondsSql,
  LAST_BUCKET,
} from '../../src/modules/insights/insight-buckets.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
beforeAll(async () => {
  testDb = await createTestDb()
})
afterAll(() => testDb.destroy())

describe('duration buckets', () => {
  it('puts a duration in the same bucket in SQL as in TypeScript, on the edges too', async () => {
    const edges = Array.from({ length: LAST_BUCKET + 2 }, (_, bucket) => BUCKET_RATIO ** bucket)
    const seconds = [
      0,
      0.5,
      1,
      1.19,
      1.2,
      1.21,
      2,
      59,
      60,
      61,
      600,
      3_600,
      86_400,
      10 ** 9,
      ...edges,
      ...edges.map(Math.ceil),
    ]
    const { rows } = await sql<{ bucket: number }>`
      SELECT ${bucketOfSecondsSql(sql`s`)} AS bucket
      FROM unnest(${seconds}::float8[]) WITH ORDINALITY AS t(s, n) ORDER BY n`.execute(testDb.db)
    expect(rows.map((row) => row.bucket)).toEqual(seconds.map(bucketOfSeconds))
    expect(bucketOfSeconds(10 ** 9)).toBe(LAST_BUCKET)
    expect(bucketOfSeconds(1.21)).toBe(1)
  })
})
