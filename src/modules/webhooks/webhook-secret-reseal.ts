import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { Logger } from '../../logger.js'
import { UnopenableWebhookSecretError, type WebhookSecretBox } from './webhook-secret-box.js'

/**
 * Seals under the current key every signing secret that is not: one still in clear (written
 * before sealing existed) or sealed under a key a rotation replaced; a rotated-out secret whose
 * time is over is dropped instead. Run as a sender starts and on each Workers tick; with every
 * secret current it is one read of the endpoints that finds none. Each row is written only if
 * nobody changed it meanwhile, so two instances starting together do no harm. A secret no
 * configured key opens is left as it is and named in the log: its deliveries fail with that
 * reason until the key is configured again.
 */
export async function resealWebhookSecrets(
  db: Db,
  box: WebhookSecretBox,
  logger: Logger,
  now: Date = new Date(),
): Promise<number> {
  const prefix = await box.currentPrefix()
  const stale = await db
    .selectFrom('webhook_endpoint')
    .select(['id', 'secret', 'previous_secret', 'previous_secret_until'])
    .where(
      sql<boolean>`NOT starts_with(secret, ${prefix})
        OR (previous_secret IS NOT NULL AND (previous_secret_until <= ${now} OR NOT starts_with(previous_secret, ${prefix})))`,
    )
    .execute()
  let resealed = 0
  for (const endpoint of stale) {
    const expired = endpoint.previous_secret_until !== null && new Date(endpoint.previous_secret_until) <= now
    const previous = expired ? null : endpoint.previous_secret
    let sealed: { secret: string; previous: string | null }
    try {
      sealed = {
        secret: await sealedUnder(box, prefix, endpoint.secret),
        previous: previous === null ? null : await sealedUnder(box, prefix, previous),
      }
    } catch (error) {
      if (!(error instanceof UnopenableWebhookSecretError)) throw error
      logger.error({ endpointId: endpoint.id, reason: error.message }, 'webhook signing secret not resealed')
      continue
    }
    const written = await db
      .updateTable('webhook_endpoint')
      .set({
        secret: sealed.secret,
        previous_secret: sealed.previous,
        previous_secret_until: sealed.previous === null ? null : endpoint.previous_secret_until,
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

async function sealedUnder(box: WebhookSecretBox, prefix: string, stored: string): Promise<string> {
  return stored.startsWith(prefix) ? stored : box.seal(await box.open(stored))
}
