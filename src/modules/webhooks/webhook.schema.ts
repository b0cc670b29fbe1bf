import { encodeGlobalID, resolveCursorConnection } from '@pothos/plugin-relay'
import { z } from 'zod'
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { badUserInput } from '../../graphql/errors.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { auditAuthorOf } from '../../graphql/viewer-actor.js'
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  findWebhookDeliveries,
  findWebhookDeliveriesByIds,
  findWebhookEndpointsByIds,
  listWebhookEndpoints,
  MAX_PREVIOUS_SECRET_HOURS,
  replayWebhookDelivery,
  rotateWebhookEndpointSecret,
  updateWebhookEndpoint,
} from './webhook.service.js'
import type { WebhookEvent } from './webhook-events.js'
import { previousSecretSignsAt, webhookMessageId } from './webhook-signature.js'

const WebhookEventType = builder.enumType('WebhookEventType', {
  description: 'What an endpoint can be told; the payload names it in `type` (e.g. order.placed).',
  values: {
    ORDER_PLACED: {
      value: 'order.placed',
      description: 'An order reached its store (paid online, or to pay at pickup).',
    },
    ORDER_PAID: {
      value: 'order.paid',
      description: 'What was taken (cash, captured card, gift cards) covers the order: once per order.',
    },
    ORDER_READY: { value: 'order.ready', description: 'An order is ready for pickup.' },
    ORDER_COLLECTED: { value: 'order.collected', description: 'An order was handed over (or sold at the till).' },
    ORDER_CANCELLED: { value: 'order.cancelled' },
    ORDER_EXPIRED: { value: 'order.expired', description: 'Not collected before the end of its hold.' },
    ORDER_RETURNED: { value: 'order.returned', description: 'A return was accepted for some of its lines.' },
    STOCK_LOW: {
      value: 'stock.low',
      description:
        "A variant's available units in a store fell to its low-stock threshold: once until restocked above.",
    },
    CUSTOMER_CREATED: { value: 'customer.created', description: 'A shopper created an account.' },
  } satisfies Record<string, { value: WebhookEvent; description?: string }>,
})

const WebhookDeliveryStatus = builder.enumType('WebhookDeliveryStatus', {
  values: ['PENDING', 'DELIVERED', 'FAILED'] as const,
})

const dateOrNull = (value: Date | string | null) => (value === null ? null : new Date(value))

export const WebhookEndpoint = builder.loadableNode('WebhookEndpoint', {
  description: 'Admins: a URL told of the events it subscribes to, signed per the Standard Webhooks specification.',
  id: { resolve: (endpoint: WebhookEndpointRow) => endpoint.id },
  load: (ids: string[], context) => findWebhookEndpointsByIds(context.db, ids),
  sort: (endpoint) => endpoint.id,
  authScopes: { admin: true },
  fields: (t) => ({
    url: t.exposeString('url'),
    description: t.exposeString('description'),
    events: t.field({ type: [WebhookEventType], resolve: (endpoint) => endpoint.events as WebhookEvent[] }),
    enabled: t.boolean({ resolve: (endpoint) => endpoint.disabled_at === null }),
    disabledAt: t.field({ type: 'DateTime', nullable: true, resolve: (e) => dateOrNull(e.disabled_at) }),
    disabledReason: t.exposeString('disabled_reason', {
      nullable: true,
      description: 'Why it stopped receiving: repeated failures (with the last one) or an admin.',
    }),
    consecutiveFailures: t.exposeInt('consecutive_failures'),
    previousSecretExpiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'After webhookEndpointRotateSecret: until when the replaced secret still signs beside the new one (null: it no longer does).',
      resolve: (endpoint, _args, context) =>
        previousSecretSignsAt(endpoint, context.now) ? dateOrNull(endpoint.previous_secret_until) : null,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (endpoint) => new Date(endpoint.created_at) }),
  }),
})

export const WebhookDelivery = builder.loadableNode('WebhookDelivery', {
  description: 'One event for one endpoint, and what its latest attempt got back.',
  id: { resolve: (delivery: WebhookDeliveryRow) => delivery.id },
  load: (ids: string[], context) => findWebhookDeliveriesByIds(context.db, ids),
  sort: (delivery) => delivery.id,
  authScopes: { admin: true },
  fields: (t) => ({
    endpoint: t.field({ type: WebhookEndpoint, resolve: (delivery) => delivery.endpoint_id }),
    eventType: t.field({ type: WebhookEventType, resolve: (delivery) => delivery.event_type as WebhookEvent }),
    messageId: t.string({
      description: 'The webhook-id header: the same on every attempt and replay.',
      resolve: (delivery) => webhookMessageId(delivery.event_id),
    }),
    payload: t.field({ type: 'JSON', resolve: (delivery) => JSON.parse(delivery.body) as unknown }),
    status: t.field({ type: WebhookDeliveryStatus, resolve: (delivery) => delivery.status }),
    attempts: t.exposeInt('attempts'),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (d) => (d.status === 'PENDING' ? new Date(d.next_attempt_at) : null),
    }),
    lastAttemptAt: t.field({ type: 'DateTime', nullable: true, resolve: (d) => dateOrNull(d.last_attempt_at) }),
    lastStatusCode: t.exposeInt('last_status_code', { nullable: true }),
    lastResponseExcerpt: t.exposeString('last_response_excerpt', { nullable: true }),
    lastDurationMs: t.exposeInt('last_duration_ms', { nullable: true }),
    lastError: t.exposeString('last_error', { nullable: true }),
    deliveredAt: t.field({ type: 'DateTime', nullable: true, resolve: (d) => dateOrNull(d.delivered_at) }),
    createdAt: t.field({ type: 'DateTime', resolve: (delivery) => new Date(delivery.created_at) }),
  }),
})

const MAX_PAGE = 100

builder.queryFields((t) => ({
  webhookEndpoints: t.field({
    type: [WebhookEndpoint],
    description: 'Admins: every webhook endpoint, oldest first.',
    authScopes: { admin: true },
    resolve: (_root, _args, context) => listWebhookEndpoints(context.db),
  }),
  webhookDeliveries: t.connection({
    type: WebhookDelivery,
    description: "Admins: an endpoint's delivery log, newest event first.",
    authScopes: { admin: true },
    args: { endpointId: t.arg.globalID({ required: true, for: WebhookEndpoint }) },
    validate: z.looseObject({
      first: z.number().int().min(0).max(MAX_PAGE).nullish(),
      last: z.null({ message: 'webhookDeliveries pages forward only (first/after).' }).optional(),
      before: z.null({ message: 'webhookDeliveries pages forward only (first/after).' }).optional(),
    }),
    resolve: (_root, args, context) =>
      resolveCursorConnection<Promise<WebhookDeliveryRow[]>>(
        { args, toCursor: (delivery: WebhookDeliveryRow) => delivery.event_id, defaultSize: 50, maxSize: MAX_PAGE },
        ({ after, limit }) => {
          if (after !== undefined && !/^\d{1,19}$/.test(after)) throw badUserInput('Invalid webhookDeliveries cursor.')
          return findWebhookDeliveries(context.db, {
            endpointId: args.endpointId.id,
            beforeEventId: after ?? null,
            limit,
          })
        },
      ),
  }),
}))

const urlField = z.string().trim().min(1).max(2000)
const eventsField = z.array(z.string()).min(1, 'Subscribe to at least one event.')

const WebhookEndpointCreateInput = builder.inputType('WebhookEndpointCreateInput', {
  fields: (t) => ({
    url: t.string({ required: true, validate: urlField }),
    events: t.field({ type: [WebhookEventType], required: true, validate: eventsField }),
    description: t.string({ validate: z.string().max(500) }),
    secret: t.string({
      description:
        'A signing secret the receiver already holds (whsec_ and the base64 of 24 to 64 bytes); without it, one is made.',
    }),
  }),
})

const WebhookEndpointRotateSecretInput = builder.inputType('WebhookEndpointRotateSecretInput', {
  fields: (t) => ({
    endpointId: t.globalID({ required: true, for: WebhookEndpoint }),
    secret: t.string({ description: 'The new secret, if the admin brings it; without it, one is made.' }),
    keepPreviousForHours: t.int({
      description:
        'How long the replaced secret goes on signing beside the new one (default 24, at most 168); 0 stops it at once, as after a leak.',
      validate: z.number().int().min(0).max(MAX_PREVIOUS_SECRET_HOURS),
    }),
  }),
})

const WebhookEndpointUpdateInput = builder.inputType('WebhookEndpointUpdateInput', {
  description: 'Only the fields given change. enabled: true turns a disabled endpoint back on.',
  fields: (t) => ({
    endpointId: t.globalID({ required: true, for: WebhookEndpoint }),
    url: t.string({ validate: urlField }),
    events: t.field({ type: [WebhookEventType], validate: eventsField }),
    description: t.string({ validate: z.string().max(500) }),
    enabled: t.boolean(),
  }),
})

const WebhookEndpointDeleteInput = builder.inputType('WebhookEndpointDeleteInput', {
  fields: (t) => ({ endpointId: t.globalID({ required: true, for: WebhookEndpoint }) }),
})

const WebhookDeliveryReplayInput = builder.inputType('WebhookDeliveryReplayInput', {
  fields: (t) => ({ deliveryId: t.globalID({ required: true, for: WebhookDelivery }) }),
})

/** A secret given, even empty, is checked (an empty one is refused); none given, one is made. */
const broughtSecret = (secret: string | null | undefined) =>
  secret === null || secret === undefined ? {} : { secret: secret.trim() }

/** An endpoint with its signing secret, shown this once: on creation and on rotation. */
function endpointWithSecretPayload(name: string, secretDescription: string) {
  return builder.objectRef<Payload<{ endpoint: WebhookEndpointRow; secret: string }>>(name).implement({
    fields: (t) => ({
      endpoint: t.field({ type: WebhookEndpoint, nullable: true, resolve: (p) => p.endpoint ?? null }),
      secret: t.string({ nullable: true, description: secretDescription, resolve: (p) => p.secret ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })
}

const WebhookEndpointCreatePayload = endpointWithSecretPayload(
  'WebhookEndpointCreatePayload',
  'The signing secret (whsec_…), shown once: the receiver verifies webhook-signature with it.',
)

const WebhookEndpointRotateSecretPayload = endpointWithSecretPayload(
  'WebhookEndpointRotateSecretPayload',
  'The new signing secret (whsec_…), shown once.',
)

const WebhookEndpointUpdatePayload = builder
  .objectRef<Payload<{ endpoint: WebhookEndpointRow }>>('WebhookEndpointUpdatePayload')
  .implement({
    fields: (t) => ({
      endpoint: t.field({ type: WebhookEndpoint, nullable: true, resolve: (p) => p.endpoint ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })

const WebhookEndpointDeletePayload = builder
  .objectRef<Payload<{ deletedEndpointId: string }>>('WebhookEndpointDeletePayload')
  .implement({
    fields: (t) => ({
      deletedEndpointId: t.id({ nullable: true, resolve: (p) => p.deletedEndpointId ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })

const WebhookDeliveryReplayPayload = builder
  .objectRef<Payload<{ delivery: WebhookDeliveryRow }>>('WebhookDeliveryReplayPayload')
  .implement({
    fields: (t) => ({
      delivery: t.field({ type: WebhookDelivery, nullable: true, resolve: (p) => p.delivery ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })

builder.mutationFields((t) => ({
  webhookEndpointCreate: t.field({
    type: WebhookEndpointCreatePayload,
    description: 'Admins: registers an endpoint for some events; answers its signing secret once.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: WebhookEndpointCreateInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(() =>
        createWebhookEndpoint(context.db, auditAuthorOf(context), context.env, context.webhookSecrets, {
          url: input.url.trim(),
          events: input.events,
          description: input.description?.trim() ?? '',
          ...broughtSecret(input.secret),
        }),
      ),
  }),
  webhookEndpointRotateSecret: t.field({
    type: WebhookEndpointRotateSecretPayload,
    description:
      'Admins: gives an endpoint a new signing secret, answered once; the replaced one signs beside it for keepPreviousForHours.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: WebhookEndpointRotateSecretInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(() =>
        rotateWebhookEndpointSecret(context.db, auditAuthorOf(context), context.webhookSecrets, input.endpointId.id, {
          ...broughtSecret(input.secret),
          keepPreviousHours: input.keepPreviousForHours ?? 24,
          now: context.now,
        }),
      ),
  }),
  webhookEndpointUpdate: t.field({
    type: WebhookEndpointUpdatePayload,
    description: "Admins: changes an endpoint's URL, events or description, or turns it off or back on.",
    authScopes: { admin: true },
    args: { input: t.arg({ type: WebhookEndpointUpdateInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        endpoint: await updateWebhookEndpoint(context.db, auditAuthorOf(context), context.env, input.endpointId.id, {
          url: input.url?.trim() ?? undefined,
          events: input.events ?? undefined,
          description: input.description?.trim() ?? undefined,
          enabled: input.enabled ?? undefined,
        }),
      })),
  }),
  webhookEndpointDelete: t.field({
    type: WebhookEndpointDeletePayload,
    description: 'Admins: deletes an endpoint and its delivery log; nothing more is sent to it.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: WebhookEndpointDeleteInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        await deleteWebhookEndpoint(context.db, auditAuthorOf(context), input.endpointId.id)
        return { deletedEndpointId: encodeGlobalID('WebhookEndpoint', input.endpointId.id) }
      }),
  }),
  webhookDeliveryReplay: t.field({
    type: WebhookDeliveryReplayPayload,
    description: 'Admins: sends a delivered or failed message again, same webhook-id, with fresh retries.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: WebhookDeliveryReplayInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        delivery: await replayWebhookDelivery(context.db, auditAuthorOf(context), input.deliveryId.id, context.now),
      })),
  }),
}))
