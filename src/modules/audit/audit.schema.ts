import { resolveCursorConnection } from '@pothos/plugin-relay'
import { z } from 'zod'
import type { AuditEntryRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { badUserInput } from '../../graphql/errors.js'
import { Staff } from '../staff/staff.schema.js'
import { findAuditEntries } from './audit.service.js'

const AuditEntry = builder.objectRef<AuditEntryRow>('AuditEntry').implement({
  description: 'One back-office change: who made it, when, through what, and the state before and after.',
  fields: (t) => ({
    at: t.field({ type: 'DateTime', resolve: (entry) => entry.at }),
    actorType: t.exposeString('actor_type', { description: 'STAFF, TERMINAL or SYSTEM.' }),
    actor: t.field({
      type: Staff,
      nullable: true,
      description: 'The staff member who made the change; null for terminals and the system.',
      resolve: (entry) => (entry.actor_type === 'STAFF' ? entry.actor_id : null),
    }),
    channel: t.exposeString('channel', { description: 'BACK_OFFICE, POS, CLI or SYSTEM.' }),
    clientAddress: t.exposeString('client_address', { nullable: true }),
    entity: t.exposeString('entity', { description: 'e.g. product, variant, price, store, staff, inventory_level.' }),
    entityId: t.exposeString('entity_id', { description: 'The raw id of the changed entity.' }),
    action: t.exposeString('action'),
    before: t.field({ type: 'JSON', nullable: true, resolve: (entry) => entry.before }),
    after: t.field({ type: 'JSON', nullable: true, resolve: (entry) => entry.after }),
  }),
})

const AuditLogFilter = builder.inputType('AuditLogFilter', {
  fields: (t) => ({
    actorId: t.globalID({ for: Staff }),
    entity: t.string({ validate: z.string().max(64) }),
    entityId: t.string({ validate: z.string().max(64) }),
    from: t.field({ type: 'DateTime' }),
    to: t.field({ type: 'DateTime' }),
  }),
})

const MAX_PAGE = 200

builder.queryFields((t) => ({
  auditLog: t.connection({
    type: AuditEntry,
    description: 'Admins: back-office changes, newest first.',
    authScopes: { admin: true },
    args: { filter: t.arg({ type: AuditLogFilter }) },
    validate: z.looseObject({
      first: z.number().int().min(0).max(MAX_PAGE).nullish(),
      last: z.null({ message: 'auditLog pages forward only (first/after).' }).optional(),
      before: z.null({ message: 'auditLog pages forward only (first/after).' }).optional(),
    }),
    resolve: (_root, args, context) =>
      resolveCursorConnection<Promise<AuditEntryRow[]>>(
        { args, toCursor: (entry: AuditEntryRow) => entry.id, defaultSize: 50, maxSize: MAX_PAGE },
        ({ after, limit }) => {
          if (after !== undefined && !/^\d{1,19}$/.test(after)) throw badUserInput('Invalid auditLog cursor.')
          return findAuditEntries(context.db, {
            actorId: args.filter?.actorId?.id ?? null,
            entity: args.filter?.entity ?? null,
            entityId: args.filter?.entityId ?? null,
            from: args.filter?.from ?? null,
            to: args.filter?.to ?? null,
            beforeId: after ?? null,
            limit,
          })
        },
      ),
  }),
}))
