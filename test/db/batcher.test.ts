import { describe, expect, it } from 'vitest'
import { createBatcher } from '../../src/db/batcher.js'

/** A batch function whose batches finish when the test says so, recording what each held. */
function controlledBatches() {
  const batches: { items: number[]; finish: (results?: string[]) => void; fail: (error: Error) => void }[] = []
  const run = (items: readonly number[]) =>
    new Promise<readonly string[]>((resolve, reject) => {
      batches.push({
        items: [...items],
        finish: (results) => resolve(results ?? items.map((item) => `done ${item}`)),
        fail: reject,
      })
    })
  return { batches, run }
}

/** Past every promise callback already queued: a finished batch has handed over to the next. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('createBatcher', () => {
  it('sends a call alone at once, and gathers the calls that arrive meanwhile into the next batch', async () => {
    const { batches, run } = controlledBatches()
    const call = createBatcher(run, { maxInFlight: 1, maxBatchSize: 10 })

    const first = call(1)
    expect(batches.map((batch) => batch.items)).toEqual([[1]])
    const later = [call(2), call(3), call(4)]
    expect(batches).toHaveLength(1)

    batches[0]!.finish()
    expect(await first).toBe('done 1')
    await settled()
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2, 3, 4]])
    batches[1]!.finish()
    expect(await Promise.all(later)).toEqual(['done 2', 'done 3', 'done 4'])
  })

  it('sends the next batch before the calls of the finished one resume', async () => {
    const { batches, run } = controlledBatches()
    const call = createBatcher(run, { maxInFlight: 1, maxBatchSize: 10 })

    const seenOnResume = call(1).then(() => batches.length)
    const later = call(2)
    batches[0]!.finish()
    expect(await seenOnResume).toBe(2)
    batches[1]!.finish()
    expect(await later).toBe('done 2')
  })

  it('keeps up to maxInFlight batches going and cuts batches at maxBatchSize', async () => {
    const { batches, run } = controlledBatches()
    const call = createBatcher(run, { maxInFlight: 2, maxBatchSize: 2 })

    const calls = [1, 2, 3, 4, 5, 6].map(call)
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2]])
    batches[0]!.finish()
    await calls[0]
    await settled()
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2], [3, 4]])
    batches[1]!.finish()
    batches[2]!.finish()
    await Promise.all(calls.slice(0, 4))
    await settled()
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2], [3, 4], [5, 6]])
    batches[3]!.finish()
    expect(await Promise.all(calls)).toEqual([1, 2, 3, 4, 5, 6].map((item) => `done ${item}`))
  })

  it('growing while busy, sends a batch behind n others only with n + 1 calls, and the rest once one finishes', async () => {
    const { batches, run } = controlledBatches()
    const call = createBatcher(run, { maxInFlight: 3, maxBatchSize: 10, growWhileBusy: true })

    const first = call(1)
    const second = call(2)
    expect(batches.map((batch) => batch.items)).toEqual([[1]])
    const third = call(3)
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2, 3]])
    const more = [call(4), call(5)]
    expect(batches).toHaveLength(2)
    const last = call(6)
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2, 3], [4, 5, 6]])

    // A lone call behind busy batches waits until none is left in flight.
    const lone = call(7)
    expect(batches).toHaveLength(3)
    batches[0]!.finish()
    expect(await first).toBe('done 1')
    await settled()
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2, 3], [4, 5, 6]])
    batches[1]!.finish()
    batches[2]!.finish()
    expect(await Promise.all([second, third, ...more, last])).toEqual([2, 3, 4, 5, 6].map((item) => `done ${item}`))
    await settled()
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2, 3], [4, 5, 6], [7]])
    batches[3]!.finish()
    expect(await lone).toBe('done 7')
  })

  it('fails only the calls of a failed batch, and goes on with the next', async () => {
    const { batches, run } = controlledBatches()
    const call = createBatcher(run, { maxInFlight: 1, maxBatchSize: 10 })

    const first = call(1)
    const second = call(2)
    batches[0]!.fail(new Error('connection lost'))
    await expect(first).rejects.toThrow('connection lost')
    await settled()
    batches[1]!.finish()
    expect(await second).toBe('done 2')
  })

  it('fails every call of a batch that answers a result too few', async () => {
    const { batches, run } = controlledBatches()
    const call = createBatcher(run, { maxInFlight: 1, maxBatchSize: 10 })

    const first = call(1)
    const [second, third] = [call(2), call(3)]
    batches[0]!.finish()
    await first
    await settled()
    batches[1]!.finish(['done 2'])
    await expect(second).rejects.toThrow('a batch of 2 answered 1 results')
    await expect(third).rejects.toThrow('a batch of 2 answered 1 results')
  })

  it('with retryAlone, sends the items of a failed batch again one by one, so only the faulty one fails', async () => {
    const sent: number[][] = []
    const call = createBatcher(
      async (items: readonly number[]) => {
        sent.push([...items])
        if (items.includes(13)) throw new Error(`batch ${items.join(',')} refused`)
        return items.map((item) => `done ${item}`)
      },
      { maxInFlight: 1, maxBatchSize: 10, retryAlone: true },
    )

    const results = await Promise.allSettled([call(1), call(12), call(13), call(14)])

    expect(sent).toEqual([[1], [12, 13, 14], [12], [13], [14]])
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : String(result.reason)))).toEqual([
      'done 1',
      'done 12',
      'Error: batch 13 refused',
      'done 14',
    ])
  })
})
