import { Repeater } from 'graphql-yoga'
import type { Viewer } from '../auth/viewer.js'
import { expiryOfCredential, viewerOfCredential } from '../modules/sessions/credential.js'
import type { GraphQLContext } from './context.js'

/**
 * How often an idle stream asks whether its credential still holds, so that a revoked terminal
 * or a signed-out session stops listening even when no event comes to test it.
 */
export const STREAM_RECHECK_MS = 30_000

/**
 * The subscription's events for as long as the caller may receive them. Before each event the
 * credential is checked again and the viewer refreshed (its role and store as they are now),
 * so the event resolves under today's rights; the stream ends when the credential expires, is
 * revoked, or the refreshed viewer is no longer `allowed`.
 */
export function whileAuthorized<T>(
  context: GraphQLContext,
  source: AsyncIterable<T>,
  allowed: (viewer: Viewer) => boolean = () => true,
  recheckMs: number = STREAM_RECHECK_MS,
): Repeater<T> {
  const stillAuthorized = async () => {
    const viewer = await viewerOfCredential(context.db, context.credential)
    if (!viewer || !allowed(viewer)) return false
    context.viewer = viewer
    return true
  }
  return new Repeater<T>(async (push, stop) => {
    const iterator = source[Symbol.asyncIterator]()
    const expiry = expiryOfCredential(context.credential)
    const expired = expiry ? setTimeout(stop, Math.max(0, expiry.getTime() - Date.now())) : undefined
    const recheck = setInterval(() => {
      stillAuthorized().then((ok) => ok || stop(), stop)
    }, recheckMs)
    const stopped = stop.then(() => ({ done: true as const, value: undefined }))
    try {
      for (;;) {
        const result = await Promise.race([iterator.next(), stopped])
        if (result.done || !(await stillAuthorized())) break
        await push(result.value)
      }
    } finally {
      clearTimeout(expired)
      clearInterval(recheck)
      await iterator.return?.()
      stop()
    }
  })
}
