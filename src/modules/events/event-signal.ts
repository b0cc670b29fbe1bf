/**
 * A process-local nudge: "an event may have been committed just now". The GraphQL layer raises
 * it after each mutation, once its transaction has committed; the outbox dispatcher listens so
 * that live updates go out at once instead of at the next poll. Losing a signal only delays
 * delivery to the next poll, so this carries no data and guarantees nothing.
 */
type Listener = () => void

const listeners = new Set<Listener>()

/** Returns the function that removes the listener. */
export function onEventRecorded(listener: Listener): () => void {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}

export function signalEventRecorded(): void {
  for (const listener of listeners) listener()
}
