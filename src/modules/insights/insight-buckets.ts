import { type RawBuilder, sql } from 'kysely'

/**
 * Durations are kept as histograms over fixed log-spaced buckets, so a year of days sums into
 * one histogram per row without the samples. Bucket b holds [RATIO^b, RATIO^(b+1)) seconds
 * (bucket 0 also takes everything shorter). A percentile is read as the geometric middle of the
 * bucket its rank falls in, so it is within a factor √RATIO of a duration in that bucket: with
 * 1.2, at most 9.6 % above or 8.7 % below.
 */
export const BUCKET_RATIO = 1.2

/** 1.2^90 s is about 154 days: nothing an order waits is longer; longer ones share the last bucket. */
export const LAST_BUCKET = 90

const LOG_RATIO = Math.log(BUCKET_RATIO)

/**
 * A duration on a bucket's lower edge belongs to that bucket. V8's log and PostgreSQL's ln can
 * differ in the last bit there (1.2³: 3 against 2.9999999999999996), so the quotient gets this
 * slack before it is floored, in both.
 */
const EDGE_SLACK = 1e-9

export function bucketOfSeconds(seconds: number): number {
  if (!(seconds >= BUCKET_RATIO)) return 0
  return Math.min(LAST_BUCKET, Math.floor(Math.log(seconds) / LOG_RATIO + EDGE_SLACK))
}

/**
 * `bucketOfSeconds` in SQL, for writing rollups in the database (the insights bench's generated
 * year). In float8 as JavaScript's numbers are, so that a duration on a bucket's edge falls in the
 * same bucket both ways.
 */
export function bucketOfSecondsSql(seconds: RawBuilder<unknown>): RawBuilder<number> {
  const ratio = sql`${sql.lit(BUCKET_RATIO)}::float8`
  return sql<number>`CASE WHEN (${seconds})::float8 >= ${ratio}
    THEN least(${sql.lit(LAST_BUCKET)}, floor(ln((${seconds})::float8) / ln(${ratio}) + ${sql.lit(EDGE_SLACK)}))::int
    ELSE 0 END`
}

/** The duration a bucket stands for: the geometric middle of its bounds, in whole seconds. */
export function secondsOfBucket(bucket: number): number {
  return Math.round(BUCKET_RATIO ** (bucket + 0.5))
}
