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

export function bucketOfSeconds(seconds: number): number {
  if (!(seconds >= BUCKET_RATIO)) return 0
  return Math.min(LAST_BUCKET, Math.floor(Math.log(seconds) / LOG_RATIO))
}

/** The duration a bucket stands for: the geometric middle of its bounds, in whole seconds. */
export function secondsOfBucket(bucket: number): number {
  return Math.round(BUCKET_RATIO ** (bucket + 0.5))
}
