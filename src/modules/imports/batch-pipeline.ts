import type { BatchOutcome } from './batch-outcome.js'

/**
 * How many batches write at once. An import is bound by the database (each batch is a few
 * statements over a thousand rows); more than one batch in flight keeps both server cores busy
 * and overlaps the reading and planning of the file with the writes. Measured on two cores, a
 * 100,000-variant catalog: about 6,300 variants/s with one, 9,800 with two, 10,300 with three
 * (`npm run bench -- --only=import`); each adds a batch of the file to memory.
 */
export const BATCHES_IN_FLIGHT = 3

export interface PipelinedBatch {
  /** What the batch writes (handles, SKUs, barcodes, store+SKU pairs): batches sharing one never overlap. */
  keys: ReadonlySet<string>
  lines: number
  write(): Promise<BatchOutcome>
}

export interface BatchPipeline {
  /** Starts the batch once a slot is free and no batch in flight shares a key with it. */
  submit(batch: PipelinedBatch): Promise<void>
  /** Waits for every batch in flight and its report; throws what failed first in file order. */
  drain(): Promise<void>
}

/**
 * Writes batches concurrently while keeping the file's order where it matters: a batch that
 * touches a row an earlier batch in flight touches waits for that batch to commit, so a later
 * line still wins over an earlier one, and outcomes are reported in file order.
 */
export function createBatchPipeline(
  report: (outcome: BatchOutcome, lines: number) => Promise<void>,
  depth = BATCHES_IN_FLIGHT,
): BatchPipeline {
  // A batch counts until it is reported, not merely written: a slow batch then holds back the
  // reading, instead of letting the others run ahead of it with their outcomes piling up.
  const unreported = new Set<{ keys: ReadonlySet<string>; written: Promise<unknown>; done: Promise<void> }>()
  let reported: Promise<void> = Promise.resolve()
  let failure: { error: unknown } | null = null
  const fail = (error: unknown) => {
    failure ??= { error }
  }

  const mustWait = (keys: ReadonlySet<string>) =>
    unreported.size >= depth || [...unreported].some((other) => sharesKey(other.keys, keys))

  return {
    async submit(batch) {
      while (failure === null && mustWait(batch.keys)) await Promise.race([...unreported].map((entry) => entry.done))
      if (failure !== null) throw failure.error
      const written = batch.write()
      written.catch(fail)
      // In file order, up to the first batch that failed; a failed report stops the reading too.
      reported = reported.then(async () => report(await written, batch.lines))
      const entry = { keys: batch.keys, written, done: reported.catch(fail) }
      unreported.add(entry)
      void entry.done.then(() => unreported.delete(entry))
    },
    async drain() {
      await Promise.allSettled([...unreported].map((entry) => entry.written))
      await reported
    },
  }
}

function sharesKey(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a]
  for (const key of small) if (large.has(key)) return true
  return false
}
