import type { Db } from '../../db/create-db.js'
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { type AuditAuthor, recordAudit } from '../audit/audit.service.js'
import { NotFoundError } from '../shared/not-found.js'
import { InvalidWebhookSecretError, InvalidWebhookUrlError, WebhookDeliveryPendingError } from './webhook.errors.js'
import * as webhookRepository from './webhook.repository.js'
import type { WebhookEvent } from './webhook-events.js'
import type { WebhookSecretBox } from './webhook-secret-box.js'
import { newWebhookSecret, webhookSecretProblem } from './webhook-signature.js'
import { webhookUrlProblem } from './webhook-url.js'

type Env = Parameters<typeof webhookUrlProblem>[1]

export interface EndpointDraft {
  url: string
  events: WebhookEvent[]
  description: string
}

/** How long a rotated-out secret may go on signing beside the new one, at most: a week. */
export const MAX_PREVIOUS_SECRET_HOURS = 7 * 24

/**
 * Registers an endpoint; its signing secret is answered once, never shown again. The admin may
 * bring the secret (one the receiver already holds); otherwise a new one is made.
 */
export async function createWebhookEndpoint(
  db: Db,
  author: AuditAuthor,
  env: Env,
  secrets: WebhookSecretBox,
  draft: EndpointDraft & { secret?: string },
): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
  assertUrl(draft.url, env)
  const secret = draft.secret === undefined ? newWebhookSecret() : usableSecret(draft.secret)
  const sealed = await secrets.seal(secret)
  return inTransaction(db, async (trx) => {
    const endpoint = await webhookRepository.insertEndpoint(trx, {
      url: draft.url,
      events: [...new Set(draft.events)],
      description: draft.description,
      secret: sealed,
      created_by: author.actor.type === 'STAFF' ? author.actor.id : null,
    })
    await recordAudit(trx, author, change(endpoint.id, 'CREATE', null, endpoint))
    return { endpoint, secret }
  })
}

/**
 * Changes an endpoint's URL, events or description, or turns it on or off. Turning a disabled
 * endpoint on clears its failure record; the deliveries it kept queued go out again.
 */
export async function updateWebhookEndpoint(
  db: Db,
  author: AuditAuthor,
  env: Env,
  id: string,
  changes: Partial<EndpointDraft> & { enabled?: boolean },
): Promise<WebhookEndpointRow> {
  if (changes.url !== undefined) assertUrl(changes.url, env)
  const updated = await inTransaction(db, async (trx) => {
    const before = await webhookRepository.lockEndpoint(trx, id)
    if (!before) return undefined
    const enabling = changes.enabled === true && before.disabled_at !== null
    const after = await webhookRepository.updateEndpoint(trx, id, {
      ...(changes.url !== undefined ? { url: changes.url } : {}),
      ...(changes.events !== undefined ? { events: [...new Set(changes.events)] } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(enabling ? { disabled_at: null, disabled_reason: null, consecutive_failures: 0, failing_since: null } : {}),
      ...(changes.enabled === false && before.disabled_at === null
        ? { disabled_at: new Date(), disabled_reason: 'disabled by an admin' }
        : {}),
    })
    if (after) await recordAudit(trx, author, change(id, 'UPDATE', before, after))
    return after
  })
  if (!updated) throw new NotFoundError('WebhookEndpoint', id)
  return updated
}

/**
 * Gives an endpoint a new signing secret (brought by the admin, or made), answered once. The one
 * it replaces goes on signing beside it for `keepPreviousHours` (each message then carries both
 * signatures), so the receiver can take the new one without refusing what is already on its way;
 * 0 stops it at once, as after a leak. Only the secret just replaced is kept, never an older one.
 */
export async function rotateWebhookEndpointSecret(
  db: Db,
  author: AuditAuthor,
  secrets: WebhookSecretBox,
  id: string,
  rotation: { secret?: string; keepPreviousHours: number; now: Date },
): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
  const secret = rotation.secret === undefined ? newWebhookSecret() : usableSecret(rotation.secret)
  const sealed = await secrets.seal(secret)
  const keepsPrevious = rotation.keepPreviousHours > 0
  const rotated = await inTransaction(db, async (trx) => {
    const before = await webhookRepository.lockEndpoint(trx, id)
    if (!before) return undefined
    const after = await webhookRepository.updateEndpoint(trx, id, {
      secret: sealed,
      previous_secret: keepsPrevious ? before.secret : null,
      previous_secret_until: keepsPrevious
        ? new Date(rotation.now.getTime() + rotation.keepPreviousHours * 3_600_000)
        : null,
    })
    if (after) await recordAudit(trx, author, change(id, 'ROTATE_SECRET', before, after))
    return after
  })
  if (!rotated) throw new NotFoundError('WebhookEndpoint', id)
  return { endpoint: rotated, secret }
}

/** Deletes an endpoint with its delivery log; what was still queued for it is never sent. */
export async function deleteWebhookEndpoint(db: Db, author: AuditAuthor, id: string): Promise<void> {
  const deleted = await inTransaction(db, async (trx) => {
    const before = await webhookRepository.lockEndpoint(trx, id)
    if (!before) return false
    await webhookRepository.deleteEndpoint(trx, id)
    await recordAudit(trx, author, change(id, 'DELETE', before, null))
    return true
  })
  if (!deleted) throw new NotFoundError('WebhookEndpoint', id)
}

/** Sends a delivered or failed message again, as a fresh delivery with its own retries. */
export async function replayWebhookDelivery(
  db: Db,
  author: AuditAuthor,
  deliveryId: string,
  now: Date,
): Promise<WebhookDeliveryRow> {
  return inTransaction(db, async (trx) => {
    // Locked, so a retention delete in flight ends first (then: not found) or waits for this.
    const current = await webhookRepository.lockDelivery(trx, deliveryId)
    if (!current) throw new NotFoundError('WebhookDelivery', deliveryId)
    if (current.status === 'PENDING') throw new WebhookDeliveryPendingError()
    const replayed = await webhookRepository.requeueDelivery(trx, deliveryId, now)
    await recordAudit(trx, author, {
      entity: 'webhook_delivery',
      entityId: deliveryId,
      action: 'REPLAY',
      before: { status: current.status, attempts: current.attempts },
      after: { status: replayed.status, endpointId: replayed.endpoint_id, eventId: replayed.event_id },
    })
    return replayed
  })
}

export function listWebhookEndpoints(db: Db): Promise<WebhookEndpointRow[]> {
  return webhookRepository.listEndpoints(db)
}

export function findWebhookEndpointsByIds(db: Db, ids: readonly string[]): Promise<WebhookEndpointRow[]> {
  return webhookRepository.findEndpointsByIds(db, ids)
}

export function findWebhookDeliveriesByIds(db: Db, ids: readonly string[]): Promise<WebhookDeliveryRow[]> {
  return webhookRepository.findDeliveriesByIds(db, ids)
}

/** A page of an endpoint's delivery log, newest event first. */
export function findWebhookDeliveries(
  db: Db,
  page: { endpointId: string; beforeEventId: string | null; limit: number },
): Promise<WebhookDeliveryRow[]> {
  return webhookRepository.findDeliveryPage(db, page)
}

function usableSecret(secret: string): string {
  const problem = webhookSecretProblem(secret)
  if (problem) throw new InvalidWebhookSecretError(problem)
  return secret
}

function assertUrl(url: string, env: Env) {
  const problem = webhookUrlProblem(url, env)
  if (problem) throw new InvalidWebhookUrlError(problem)
}

/** The audit entry of an endpoint change; no signing secret, not even sealed, is written to the log. */
function change(id: string, action: string, before: WebhookEndpointRow | null, after: WebhookEndpointRow | null) {
  return { entity: 'webhook_endpoint', entityId: id, action, before: audited(before), after: audited(after) }
}

function audited(endpoint: WebhookEndpointRow | null): Record<string, unknown> | null {
  if (!endpoint) return null
  const { secret: _secret, previous_secret: _previous, ...shown } = endpoint
  return shown
}
