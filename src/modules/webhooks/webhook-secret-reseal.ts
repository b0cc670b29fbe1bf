import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { Logger } from '../../logger.js'
import { UnopenableWebhookSecretError, type WebhookSecretBox } from './webhook-secret-box.js'

/**
 * Seals under the current key every signing secret that is not: one still in clear (written
 * before sealing existed) or sealed under a key a rotation replaced. Run as a sender starts and on
 * each Workers tick; with every secret current it is one read of the endpoints that finds none. Each row is written only if nobody changed it meanwhile, so two instances
 * starting together do no harm. A secret no configured key opens is left as it is and named in the
 * log: its deliveries fail with that reason until the key is configured again.
 */
export async function resealWebhookSecrets(db: Db, box: WebhookSecretBox, logger: Logger): Promise<number> {
  const stale = await db
    .selectFrom('webhook_endpoint')
    .select(['id', 'secret'])
    .where(sql<boolean>`NOT starts_with(secret, ${await box.currentPrefix()})`)
    .execute()
  let resealed = 0
  for (const endpoint of stale) {
    let secret: string
    try {
      secret = await box.open(endpoint.secret)
    } catch (error) {
      if (!(error instanceof UnopenableWebhookSecretError)) throw error
      logger.error({ endpointId: endpoint.id, reason: error.message }, 'webhook signing secret not resealed')
      continue
    }
    const written = await db
      .updateTable('webhook_endpoint')
      .set({ secret: await box.seal(secret) })
      .where('id', '=', endpoint.id)
      .where('secret', '=', endpoint.secret)
      .executeTakeFirst()
    resealed += Number(written.numUpdatedRows)
  }
  if (resealed > 0) logger.info({ resealed }, 'webhook signing secrets sealed under the current key')
  return resealed
}
