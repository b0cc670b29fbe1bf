import { randomUUID } from 'node:crypto'
import type { Db } from '../../db/create-db.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import * as claimRepository from './handover-claim.repository.js'
import { HandOverInProgressError, InvalidTransitionError } from './order.errors.js'
import * as orderRepository from './order.repository.js'
import { canHandOver } from './order-state.js'
import type { OrderActor } from './order-transition.js'

/**
 * A claim this old belongs to a request that died between taking the money and handing over: it
 * outlasts the longest capture (Stripe: a 20 s timeout, two retries), and may then be taken over.
 */
export const HANDOVER_CLAIM_TTL_MS = 2 * 60_000

const staleBefore = (now: Date) => new Date(now.getTime() - HANDOVER_CLAIM_TTL_MS)

/**
 * Marks a ready order as being handed over by this request, in a transaction of its own that
 * holds the order's lock only for the mark: the money is then taken with no lock held, while a
 * second collect, a cancellation and the expiry timer see the claim and stay away.
 */
export async function claimHandOver(
  db: Db,
  { orderId, actor, now }: { orderId: string; actor: OrderActor; now: Date },
): Promise<string> {
  return inTransaction(db, async (trx) => {
    const order = await orderRepository.lockOrder(trx, orderId)
    if (!order) throw new Error(`order ${orderId} vanished before its hand-over`)
    if (!canHandOver(order, actor.type)) throw new InvalidTransitionError(order.status, 'COLLECTED')
    const claimId = randomUUID()
    if (!(await claimRepository.insertClaim(trx, { orderId, claimId, at: now }, staleBefore(now)))) {
      throw new HandOverInProgressError()
    }
    return claimId
  })
}

/** Undoes a claim whose hand-over did not happen (the money could not be taken, or is pending). */
export async function releaseHandOver(db: Db, orderId: string, claimId: string): Promise<void> {
  await claimRepository.deleteClaim(db, orderId, claimId)
}

/**
 * Ends the claim in the hand-over transaction (the order's lock held); refused when the claim went
 * stale and another request took it over, which then hands over itself.
 */
export async function endHandOverClaim(trx: Trx, orderId: string, claimId: string): Promise<void> {
  if (!(await claimRepository.deleteClaim(trx, orderId, claimId))) throw new HandOverInProgressError()
}

/** Whether an associate is taking this order's money right now. */
export async function isHandOverInProgress(db: Db, orderId: string, now: Date): Promise<boolean> {
  return (await claimRepository.findClaimSince(db, orderId, staleBefore(now))) !== undefined
}

/** Refuses to release a ready order while it is being handed over; the caller holds its lock. */
export async function assertNoHandOverInProgress(trx: Trx, orderId: string, now: Date): Promise<void> {
  if (await isHandOverInProgress(trx, orderId, now)) throw new HandOverInProgressError()
}
