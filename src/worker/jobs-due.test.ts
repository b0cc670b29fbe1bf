import { describe, expect, it } from 'vitest'
import type { Job } from '../jobs/job.js'
import { jobsDueAt } from './jobs-due.js'

const job = (name: string, intervalMs: number): Job => ({
  name,
  intervalMs,
  run: async () => ({ affected: 0 }),
})
const jobs = [job('half-minute', 30_000), job('minute', 60_000), job('ten', 10 * 60_000), job('hour', 60 * 60_000)]
const names = (at: string) => jobsDueAt(jobs, Date.parse(at)).map((each) => each.name)

describe('jobsDueAt', () => {
  it('runs every job on the hour', () => {
    expect(names('2026-12-05T18:00:00Z')).toEqual(['half-minute', 'minute', 'ten', 'hour'])
  })
  it('runs the ten-minute job on a tenth minute, and not the hourly one', () => {
    expect(names('2026-12-05T18:40:00Z')).toEqual(['half-minute', 'minute', 'ten'])
  })
  it('runs only the frequent jobs in between, wherever the tick falls within its minute', () => {
    expect(names('2026-12-05T18:41:00Z')).toEqual(['half-minute', 'minute'])
    expect(names('2026-12-05T18:49:59.999Z')).toEqual(['half-minute', 'minute'])
  })
  it('runs a ten-minute job six times an hour when ticked every minute', () => {
    const start = Date.parse('2026-12-05T18:00:00Z')
    const ticks = Array.from({ length: 60 }, (_, minute) => start + minute * 60_000)
    expect(ticks.filter((at) => jobsDueAt(jobs, at).some((each) => each.name === 'ten'))).toHaveLength(6)
  })
})
