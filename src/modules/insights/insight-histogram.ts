import { type RawBuilder, sql } from 'kysely'
import { LAST_BUCKET, secondsOfBucket } from './insight-buckets.js'

/**
 * A duration histogram is stored as one exact `numeric`: the count of bucket b written
 * BUCKET_DIGITS × b decimal digits to the left, Σ count_b × 10^(12·b). Adding two such numbers adds
 * their histograms bucket by bucket, so PostgreSQL's own `+` and `sum()` merge a year of days'
 * histograms per group in one aggregate over a row per day, store, channel and metric, instead of
 * summing a row per bucket (a tenth of the rows, no window functions). A bucket's count reaches the
 * next one only at 10^12 samples in one group, far beyond any order book.
 */
export const BUCKET_DIGITS = 12

/**
 * The histogram holding `samples` in `bucket`, as SQL: the one encoding the rollup consumer, the
 * backfill and the bench's generator write (the frozen migration that converted the former
 * row-per-bucket table repeats it, as migrations import no application code).
 */
export function packedSamplesSql(bucket: RawBuilder<unknown>, samples: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`(${samples}::bigint::text || repeat('0', ${sql.lit(BUCKET_DIGITS)} * (${bucket})::integer))::numeric`
}

/** The counts per bucket (index = bucket) of a histogram read as text (`histogram::text`, no fraction). */
export function unpackHistogram(text: string): number[] {
  const counts = new Array<number>(LAST_BUCKET + 1).fill(0)
  // Digit by digit from the right rather than a substring per bucket: a DAY report reads 730
  // histograms of up to 1,092 digits, and the substrings were most of its garbage.
  for (let bucket = 0, end = text.length; bucket <= LAST_BUCKET && end > 0; bucket++, end -= BUCKET_DIGITS) {
    let count = 0
    for (let at = Math.max(0, end - BUCKET_DIGITS); at < end; at++) count = count * 10 + (text.charCodeAt(at) - 48)
    counts[bucket] = count
  }
  return counts
}

export interface DurationFigure {
  samples: number
  /** Estimated from the summed histograms: see insight-buckets.ts for the error bound. */
  p50Seconds: number | null
  p90Seconds: number | null
}

export const NO_DURATION: DurationFigure = { samples: 0, p50Seconds: null, p90Seconds: null }

/**
 * The 50th and 90th percentiles of a histogram: the first bucket whose running count reaches the
 * rank (count below ≥ share × total, compared in integers so that no rounding moves a boundary).
 */
export function durationFigureOf(counts: readonly number[]): DurationFigure {
  const samples = counts.reduce((total, count) => total + count, 0)
  if (samples === 0) return NO_DURATION
  let p50: number | null = null
  let p90: number | null = null
  let below = 0
  for (let bucket = 0; bucket < counts.length && p90 === null; bucket++) {
    below += counts[bucket] ?? 0
    if (p50 === null && 2 * below >= samples) p50 = bucket
    if (10 * below >= 9 * samples) p90 = bucket
  }
  return {
    samples,
    p50Seconds: p50 === null ? null : secondsOfBucket(p50),
    p90Seconds: p90 === null ? null : secondsOfBucket(p90),
  }
}
