import type { Db } from '../../db/create-db.js'
import type { Trx } from '../../db/transaction.js'

/** Records this claim unless a claim newer than `staleBefore` holds the order; true when it did. */
export async function insertClaim(
  trx: Trx,
  claim: { orderId: string; claimId: string; at: Date },
  staleBefore: Date,
): Promise<boolean> {
  const row = await trx
    .insertInto('order_handover_claim')
    .values({ order_id: claim.orderId, claim_id: claim.claimId, claimed_at: claim.at })
    .onConflict((oc) =>
      oc
        .column('order_id')
        .doUpdateSet({ claim_id: claim.claimId, claimed_at: claim.at })
        .where('order_handover_claim.claimed_at', '<', staleBefore),
    )
    .returning('claim_id')
    .executeTakeFirst()
  return row !== undefined
}

export function findClaimSince(db: Db, orderId: string, since: Date) {
  return db
    .selectFrom('order_handover_claim')
    .select('claim_id')
    .where('order_id', '=', orderId)
    .where('claimed_at', '>=', since)
    .executeTakeFirst()
}

/** True when the claim was still there to delete. */
export async function deleteClaim(db: Db, orderId: string, claimId: string): Promise<boolean> {
  const row = await db
    .deleteFrom('order_handover_claim')
    .where('order_id', '=', orderId)
    .where('claim_id', '=', claimId)
    .returning('order_id')
    .executeTakeFirst()
  return row !== undefined
}
