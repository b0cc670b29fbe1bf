import type { Trx } from '../../db/transaction.js'
import type { OutboxEventRow } from './outbox.repository.js'

export type { OutboxEventRow }

/**
 * Work that must follow every committed event exactly once and durably (webhook deliveries to
 * queue, rollups to update), unlike the live pub/sub, which may drop a notification. It runs in
 * the transaction that claims the events: it commits with the claim or not at all, so an event is
 * never consumed twice nor skipped, whichever instance claims it. A consumer that throws rolls the
 * claim back and the batch is claimed again on the next run: nothing is lost, and the error is
 * logged on every attempt. Keep it to database writes; slow work (HTTP calls) belongs to a
 * dispatcher of its own reading what the consumer queued.
 */
export interface OutboxConsumer {
  readonly name: string
  consume(trx: Trx, events: readonly OutboxEventRow[], afterClaim: AfterClaim): Promise<void>
}

/** Registers what to do once the claim's transaction has ended, either way. */
export type AfterClaim = (sequel: ClaimSequel) => void

/**
 * Work outside the database that may only follow a commit: the webhook consumer hands the
 * deliveries it queued to this process's sender, which must neither send a message that was
 * rolled back nor keep a slot reserved for one. Called once, after the claim's transaction ends;
 * neither may throw.
 */
export interface ClaimSequel {
  committed(): void
  abandoned(): void
}
