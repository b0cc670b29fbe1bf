import { z } from 'zod'
import type { StorefrontRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { auditAuthorOf } from '../../graphql/viewer-actor.js'
import { createStorefront, findAllStorefronts, findStorefrontsByIds, revokeStorefront } from './storefront.service.js'

const StorefrontChannel = builder.enumType('StorefrontChannel', {
  description: 'The channels a storefront key can prove; KIOSK and POS have device keys of their own.',
  values: ['WEB', 'APP'] as const,
})

export const Storefront = builder.loadableNode('Storefront', {
  id: { resolve: (storefront: StorefrontRow) => storefront.id },
  load: (ids: string[], context) => findStorefrontsByIds(context.db, ids),
  sort: (storefront) => storefront.id,
  authScopes: { admin: true },
  fields: (t) => ({
    name: t.exposeString('name'),
    channel: t.field({ type: StorefrontChannel, resolve: (storefront) => storefront.channel }),
    createdAt: t.field({ type: 'DateTime', resolve: (storefront) => storefront.created_at }),
    revokedAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (storefront) => (storefront.revoked_at ? new Date(storefront.revoked_at) : null),
    }),
    active: t.boolean({ resolve: (storefront) => storefront.revoked_at === null }),
  }),
})

const StorefrontKeyCreateInput = builder.inputType('StorefrontKeyCreateInput', {
  fields: (t) => ({
    name: t.string({ required: true, validate: z.string().trim().min(1).max(80) }),
    channel: t.field({ type: StorefrontChannel, required: true }),
  }),
})

const StorefrontKeyCreatePayload = builder
  .objectRef<Payload<{ storefront: StorefrontRow; storefrontKey: string }>>('StorefrontKeyCreatePayload')
  .implement({
    fields: (t) => ({
      storefront: t.field({ type: Storefront, nullable: true, resolve: (p) => p.storefront ?? null }),
      storefrontKey: t.string({
        nullable: true,
        description:
          'Publishable: the storefront sends it on every request as `X-Storefront-Key`; it decides the channel (WEB or APP). Shown once.',
        resolve: (p) => p.storefrontKey ?? null,
      }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })

const StorefrontKeyRevokeInput = builder.inputType('StorefrontKeyRevokeInput', {
  fields: (t) => ({ storefrontId: t.globalID({ required: true, for: Storefront }) }),
})

const StorefrontKeyRevokePayload = builder
  .objectRef<Payload<{ storefront: StorefrontRow }>>('StorefrontKeyRevokePayload')
  .implement({
    fields: (t) => ({
      storefront: t.field({ type: Storefront, nullable: true, resolve: (p) => p.storefront ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })

builder.queryFields((t) => ({
  storefronts: t.field({
    type: [Storefront],
    description: 'Admins: every storefront, revoked ones included, oldest first.',
    authScopes: { admin: true },
    resolve: (_root, _args, context) => findAllStorefronts(context.db),
  }),
}))

builder.mutationFields((t) => ({
  storefrontKeyCreate: t.field({
    type: StorefrontKeyCreatePayload,
    description: 'Admins: a storefront (a web shop, a mobile app) and its publishable key.',
    args: { input: t.arg({ type: StorefrontKeyCreateInput, required: true }) },
    authScopes: { admin: true },
    resolve: (_root, { input }, context) =>
      withUserErrors(() =>
        createStorefront(context.db, auditAuthorOf(context), {
          name: input.name.trim(),
          channel: input.channel,
          createdBy: context.viewer.kind === 'staff' ? context.viewer.staffId : null,
        }),
      ),
  }),
  storefrontKeyRevoke: t.field({
    type: StorefrontKeyRevokePayload,
    description: 'Admins: revokes a storefront key; requests carrying it are refused from the next one on.',
    args: { input: t.arg({ type: StorefrontKeyRevokeInput, required: true }) },
    authScopes: { admin: true },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        storefront: await revokeStorefront(context.db, auditAuthorOf(context), input.storefrontId.id),
      })),
  }),
}))
