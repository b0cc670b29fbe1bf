import { z } from 'zod'
import type { KioskRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { auditAuthorOf } from '../../graphql/viewer-actor.js'
import { Store } from '../stores/store.schema.js'
import { findKiosksByIds, findKiosksOfStore, registerKiosk, revokeKiosk } from './kiosk.service.js'

export const Kiosk = builder.loadableNode('Kiosk', {
  id: { resolve: (kiosk: KioskRow) => kiosk.id },
  load: (ids: string[], context) => findKiosksByIds(context.db, ids),
  sort: (kiosk) => kiosk.id,
  authScopes: (kiosk) => ({ managerOfStore: kiosk.store_id }),
  fields: (t) => ({
    name: t.exposeString('name'),
    store: t.field({ type: Store, resolve: (kiosk) => kiosk.store_id }),
    createdAt: t.field({ type: 'DateTime', resolve: (kiosk) => kiosk.created_at }),
    revokedAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (kiosk) => (kiosk.revoked_at ? new Date(kiosk.revoked_at) : null),
    }),
    active: t.boolean({ resolve: (kiosk) => kiosk.revoked_at === null }),
  }),
})

const KioskRegisterInput = builder.inputType('KioskRegisterInput', {
  fields: (t) => ({
    storeId: t.globalID({ required: true, for: Store }),
    name: t.string({ required: true, validate: z.string().trim().min(1).max(80) }),
  }),
})

const KioskRegisterPayload = builder
  .objectRef<Payload<{ kiosk: KioskRow; kioskKey: string }>>('KioskRegisterPayload')
  .implement({
    fields: (t) => ({
      kiosk: t.field({ type: Kiosk, nullable: true, resolve: (p) => p.kiosk ?? null }),
      kioskKey: t.string({
        nullable: true,
        description: 'The kiosk sends it on every request as `X-Kiosk-Key: <kioskKey>`. Shown once.',
        resolve: (p) => p.kioskKey ?? null,
      }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })

const KioskRevokeInput = builder.inputType('KioskRevokeInput', {
  fields: (t) => ({ kioskId: t.globalID({ required: true, for: Kiosk }) }),
})

const KioskRevokePayload = builder.objectRef<Payload<{ kiosk: KioskRow }>>('KioskRevokePayload').implement({
  fields: (t) => ({
    kiosk: t.field({ type: Kiosk, nullable: true, resolve: (p) => p.kiosk ?? null }),
    userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
  }),
})

builder.objectField(Store, 'kiosks', (t) =>
  t.field({
    type: [Kiosk],
    description: "The store's kiosks, revoked ones included. Its managers and admins.",
    authScopes: (store) => ({ managerOfStore: store.id }),
    resolve: (store, _args, context) => findKiosksOfStore(context.db, store.id),
  }),
)

builder.mutationFields((t) => ({
  kioskRegister: t.field({
    type: KioskRegisterPayload,
    description:
      'A store manager (or an admin) registers a kiosk: only requests carrying its key act on the KIOSK channel.',
    args: { input: t.arg({ type: KioskRegisterInput, required: true }) },
    authScopes: (_root, args) => ({ managerOfStore: args.input.storeId.id }),
    resolve: (_root, { input }, context) =>
      withUserErrors(() =>
        registerKiosk(context.db, auditAuthorOf(context), {
          storeId: input.storeId.id,
          name: input.name.trim(),
          registeredBy: context.viewer.kind === 'staff' ? context.viewer.staffId : null,
        }),
      ),
  }),
  kioskRevoke: t.field({
    type: KioskRevokePayload,
    description: 'A store manager (or an admin) revokes a kiosk: its key is refused from the next request on.',
    args: { input: t.arg({ type: KioskRevokeInput, required: true }) },
    authScopes: async (_root, args, context) => {
      const [kiosk] = await findKiosksByIds(context.db, [args.input.kioskId.id])
      return { managerOfStore: kiosk?.store_id ?? '' }
    },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({ kiosk: await revokeKiosk(context.db, auditAuthorOf(context), input.kioskId.id) })),
  }),
}))
