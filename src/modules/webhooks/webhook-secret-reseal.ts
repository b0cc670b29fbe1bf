import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { Logger } from '../../logger.js'
import { UnopenableWebhookSecretError, type WebhookSecretBox } from './webhook-secret-box.js'
import { previousSecretSignsAt } from './webhook-signature.js'

/**
 * Seals under the current key every signing secret that is not: one still in clear (written
 * before sealing existed) or sealed under a key a rotation replaced; a rotated-out secret that no
 * longer signs is dropped instead. Run as a sender starts and on each Workers tick; the read
 * takes only endpoints with something to look at (a secret not current, or a rotated-out one,
 * which exists for a week at most), so it normally finds none. Each row is written only if nobody
 * changed it meanwhile, so two instances starting together do no harm. A secret no configured key
 * opens is left as it is and named in the log: its deliveries fail with that reason until the
 * key is configured again.
 */
export async function resealWebhookSecrets(
  db: Db,
  box: WebhookSecretBox,
  logger: Logger,
  now: Date = new Date(),
): Promise<number> {
  const prefix = await box.currentPrefix()
  const candidates = await db
    .selectFrom('webhook_endpoint')
    .select(['id', 'secret', 'previous_secret', 'previous_secret_until'])
    .where(sql<boolean>`NOT starts_with(secret, ${prefix}) OR previous_secret IS NOT NULL`)
    .execute()
  const current = async (stored: string) => (stored.startsWith(prefix) ? stored : box.seal(await box.open(stored)))
  let resealed = 0
  for (const endpoint of candidates) {
    const kept = previousSecretSignsAt(endpoint, now) ? endpoint.previous_secret : null
    let secret: string
    let previous: string | null
    try {
      secret = await current(endpoint.secret)
      previous = kept === null ? null : await current(kept)
    } catch (error) {
      if (!(error instanceof UnopenableWebhookSecretError)) throw error
      logger.error({ endpointId: endpoint.id, reason: error.message }, 'webhook signing secret not resealed')
      continue
    }
    if (secret === endpoint.secret && previous === endpoint.previous_secret) continue
    const written = await db
      .updateTable('webhook_endpoint')
      .set({
        secret,
        previous_secret: previous,
        previous_secret_until: previous === null ? null : endpoint.previous_secret_until,
      })
      .where('id', '=', endpoint.id)
      .where('secret', '=', endpoint.secret)
      .where(sql<boolean>`previous_secret IS NOT DISTINCT FROM ${endpoint.previous_secret}`)
      .executeTakeFirst()
    resealed += Number(written.numUpdatedRows)
  }
  if (resealed > 0)
    logger.info({ resealed }, 'webhook signing secrets sealed again under the current key, or dropped once rotated out')
  return resealed
}
