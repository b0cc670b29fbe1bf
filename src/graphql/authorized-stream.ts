import { Repeater } from 'graphql-yoga'
import type { Viewer } from '../auth/viewer.js'
import { expiryOfCredential } from '../modules/sessions/credential.js'
import { arrivalMark, sharedCredentialCheck } from '../modules/sessions/credential-check.js'
import type { GraphQLContext } from './context.js'

/**
 * How often an idle stream asks whether its credential still holds, so that a revoked terminal
 * or a signed-out session stops listening even when no event comes to test it.
 */
export const STREAM_RECHECK_MS = 30_000

export interface AuthorizedStreamOptions<T> {
  recheckMs?: number
  /**
   * Called as each event arrives, before it waits for its check: the subscription can start the
   * read it will answer with, so that the events of a burst are read together (order-event-view.ts).
   */
  onArrival?: (value: T) => void
}

/**
 * The subscription's events for as long as the caller may receive them. Each event is delivered
 * under a viewer read from the credential after the event arrived (its role and store as they
 * are then), so the event resolves under today's rights; the stream ends when the credential
 * expires, is revoked, or the refreshed viewer is no longer `allowed`. That read is shared
 * (credential-check.ts): by the events queued before it started, and by the other streams of
 * the same credential on this instance.
 */
export function whileAuthorized<T>(
  context: GraphQLContext,
  source: AsyncIterable<T>,
  allowed: (viewer: Viewer) => boolean = () => true,
  options: AuthorizedStreamOptions<T> = {},
): Repeater<T> {
  const check = sharedCredentialCheck(context.db, context.credential)
  const stillAuthorized = async (arrivedAt: number) => {
    const viewer = await check(arrivedAt)
    if (!viewer || !allowed(viewer)) return false
    context.viewer = viewer
    return true
  }
  return new Repeater<T>(async (push, stop) => {
    const iterator = source[Symbol.asyncIterator]()
    const expiry = expiryOfCredential(context.credential)
    const expired = expiry ? setTimeout(stop, Math.max(0, expiry.getTime() - Date.now())) : undefined
    const recheck = setInterval(() => {
      stillAuthorized(arrivalMark()).then((ok) => ok || stop(), stop)
    }, options.recheckMs ?? STREAM_RECHECK_MS)
    const stopped = stop.then(() => ({ done: true as const, value: undefined }))
    const arrived = new Arrivals<T>()
    // Events are taken from the source as they come, not as they are delivered, so that each is
    // stamped (and its read started) on arrival while earlier ones wait for their check.
    const receiving = (async () => {
      for (;;) {
        const result = await Promise.race([iterator.next(), stopped])
        if (result.done) return
        arrived.add(result.value, arrivalMark())
        options.onArrival?.(result.value)
      }
    })().then(
      () => arrived.end(),
      (error: unknown) => arrived.fail(error),
    )
    try {
      for (;;) {
        const next = await Promise.race([arrived.take(), stopped])
        if (next.done || !(await stillAuthorized(next.mark))) break
        await push(next.value)
      }
    } finally {
      clearTimeout(expired)
      clearInterval(recheck)
      stop()
      await iterator.return?.()
      await receiving
    }
  })
}

type Taken<T> = { done: false; value: T; mark: number } | { done: true; value: undefined }

/** The events received and not yet delivered, in order, each with its arrival mark. */
class Arrivals<T> {
  private readonly queue: { value: T; mark: number }[] = []
  private ended = false
  private error: { reason: unknown } | null = null
  private waiter: (() => void) | null = null

  add(value: T, mark: number): void {
    this.queue.push({ value, mark })
    this.wake()
  }

  end(): void {
    this.ended = true
    this.wake()
  }

  fail(reason: unknown): void {
    this.error = { reason }
    this.end()
  }

  async take(): Promise<Taken<T>> {
    for (;;) {
      const first = this.queue.shift()
      if (first) return { done: false, ...first }
      if (this.error) throw this.error.reason
      if (this.ended) return { done: true, value: undefined }
      await new Promise<void>((resolve) => {
        this.waiter = resolve
      })
    }
  }

  private wake(): void {
    const waiter = this.waiter
    this.waiter = null
    waiter?.()
  }
}
