import { describe, expect, it } from 'vitest'
import type { BatchOutcome } from './batch-outcome.js'
import { createBatchPipeline } from './batch-pipeline.js'

interface Gate {
  promise: Promise<BatchOutcome>
  open(changed: number): void
  fail(error: Error): void
}

function gate(): Gate {
  let open!: (changed: number) => void
  let fail!: (error: Error) => void
  const promise = new Promise<BatchOutcome>((resolve, reject) => {
    open = (changed) => resolve({ changed, failedLines: 0, errors: [] })
    fail = reject
  })
  return { promise, open, fail }
}

function record(started: string[], name: string, outcome: Promise<BatchOutcome>): Promise<BatchOutcome> {
  started.push(name)
  return outcome
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('the import batch pipeline', () => {
  it('writes two disjoint batches at once and reports them in file order', async () => {
    const reports: number[] = []
    const pipeline = createBatchPipeline(async (outcome) => {
      reports.push(outcome.changed)
    }, 2)
    const [first, second] = [gate(), gate()]
    const started: string[] = []
    await pipeline.submit({ keys: new Set(['sku:A']), lines: 1, write: () => record(started, 'A', first.promise) })
    await pipeline.submit({ keys: new Set(['sku:B']), lines: 1, write: () => record(started, 'B', second.promise) })
    expect(started).toEqual(['A', 'B'])
    second.open(2)
    await tick()
    expect(reports).toEqual([])
    first.open(1)
    await pipeline.drain()
    expect(reports).toEqual([1, 2])
  })

  it('holds a batch that shares a key with one in flight until that one has committed', async () => {
    const pipeline = createBatchPipeline(async () => {}, 2)
    const first = gate()
    const started: string[] = []
    await pipeline.submit({
      keys: new Set(['handle:tee']),
      lines: 1,
      write: () => record(started, 'first', first.promise),
    })
    const submitted = pipeline.submit({
      keys: new Set(['handle:tee', 'sku:T-1']),
      lines: 1,
      write: () => record(started, 'second', Promise.resolve({ changed: 1, failedLines: 0, errors: [] })),
    })
    await tick()
    expect(started).toEqual(['first'])
    first.open(1)
    await submitted
    await pipeline.drain()
    expect(started).toEqual(['first', 'second'])
  })

  it('keeps no more batches in flight than its depth', async () => {
    const pipeline = createBatchPipeline(async () => {}, 2)
    const gates = [gate(), gate(), gate()]
    let running = 0
    let most = 0
    const submissions = gates.map((each, index) =>
      pipeline.submit({
        keys: new Set([`sku:${index}`]),
        lines: 1,
        write: async () => {
          running++
          most = Math.max(most, running)
          const outcome = await each.promise
          running--
          return outcome
        },
      }),
    )
    await tick()
    expect(running).toBe(2)
    for (const each of gates) each.open(1)
    await Promise.all(submissions)
    await pipeline.drain()
    expect(most).toBe(2)
  })

  it('stops at a failed write: reports the batches before it, refuses the next submission and throws from drain', async () => {
    const reports: number[] = []
    const pipeline = createBatchPipeline(async (outcome) => {
      reports.push(outcome.changed)
    }, 2)
    const [first, second] = [gate(), gate()]
    await pipeline.submit({ keys: new Set(['sku:A']), lines: 1, write: () => first.promise })
    await pipeline.submit({ keys: new Set(['sku:B']), lines: 1, write: () => second.promise })
    first.open(1)
    second.fail(new Error('connection lost'))
    await expect(
      pipeline.submit({
        keys: new Set(['sku:C']),
        lines: 1,
        write: async () => ({ changed: 3, failedLines: 0, errors: [] }),
      }),
    ).rejects.toThrow('connection lost')
    await expect(pipeline.drain()).rejects.toThrow('connection lost')
    expect(reports).toEqual([1])
  })
})
