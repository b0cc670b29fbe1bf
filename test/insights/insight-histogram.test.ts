import { describe, expect, it } from 'vitest'
import { LAST_BUCKET, secondsOfBucket } from '../../src/modules/insights/insight-buckets.js'
import {
  BUCKET_DIGITS,
  durationFigureOf,
  NO_DURATION,
  unpackHistogram,
} from '../../src/modules/insights/insight-histogram.js'
import { histogram } from '../fixtures/histograms.js'

/** Counts as the packed text PostgreSQL prints: bucket b's count 12·b digits to the left. */
function printed(counts: Record<number, number>): string {
  const top = Math.max(...Object.keys(counts).map(Number))
  let text = ''
  for (let bucket = top; bucket >= 0; bucket--) text += String(counts[bucket] ?? 0).padStart(BUCKET_DIGITS, '0')
  return text.replace(/^0+(?=\d)/, '')
}

/** The percentile by its definition: the bucket of the ⌈tenths / 10 × n⌉-th smallest sample. */
function bucketOfRank(counts: readonly number[], tenths: number): number {
  const total = counts.reduce((sum, count) => sum + count, 0)
  const rank = Math.floor((tenths * total + 9) / 10)
  let seen = 0
  for (let bucket = 0; ; bucket++) {
    seen += counts[bucket] ?? 0
    if (seen >= rank) return bucket
  }
}

describe('duration histograms packed in one number', () => {
  it('reads every bucket back, the first and the last, and counts up to the field width', () => {
    const counts = { 0: 3, 1: 0, 7: 999_999_999_999, 40: 12, [LAST_BUCKET]: 5 }
    expect(unpackHistogram(printed(counts))).toEqual(histogram(counts))
    expect(unpackHistogram('0')).toEqual(histogram({}))
  })

  it('places p50 and p90 on the first bucket whose running count reaches the rank, boundaries included', () => {
    expect(durationFigureOf(histogram({ 3: 5, 7: 5 }))).toEqual({
      samples: 10,
      p50Seconds: secondsOfBucket(3),
      p90Seconds: secondsOfBucket(7),
    })
    expect(durationFigureOf(histogram({ 3: 9, 7: 1 }))).toMatchObject({ p90Seconds: secondsOfBucket(3) })
    expect(durationFigureOf(histogram({ 3: 4, 7: 1, 9: 5 }))).toMatchObject({
      p50Seconds: secondsOfBucket(7),
      p90Seconds: secondsOfBucket(9),
    })
    expect(durationFigureOf(histogram({}))).toEqual(NO_DURATION)
  })

  it('agrees with the rank definition on many histograms', () => {
    let seed = 7
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed / 2 ** 31
    }
    for (let trial = 0; trial < 500; trial++) {
      const counts = histogram({})
      const buckets = 1 + Math.floor(random() * 6)
      for (let i = 0; i < buckets; i++) {
        const bucket = Math.floor(random() * 60)
        counts[bucket] = (counts[bucket] ?? 0) + 1 + Math.floor(random() * 30)
      }
      const figure = durationFigureOf(counts)
      expect(figure.p50Seconds).toBe(secondsOfBucket(bucketOfRank(counts, 5)))
      expect(figure.p90Seconds).toBe(secondsOfBucket(bucketOfRank(counts, 9)))
    }
  })
})
