import { z } from 'zod'
import type { StaffRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { sessionTokenFields } from '../sessions/session.schema.js'
import { type SessionTokens, startSession } from '../sessions/session.service.js'
import { Store } from '../stores/store.schema.js'
import { authenticateStaff, findStaffByIds, findStoreIdsOfStaff } from './staff.service.js'

export const StaffRole = builder.enumType('StaffRole', { values: ['ADMIN', 'MANAGER', 'ASSOCIATE'] as const })

export const Staff = builder.loadableNode('Staff', {
  id: { resolve: (staff: StaffRow) => staff.id },
  load: (ids: string[], context) => findStaffByIds(context.db, ids),
  sort: (staff) => staff.id,
  // Top-level scopes are any-of: staff and terminals, or whoever has just signed in as this member.
  authScopes: { staff: true, $granted: 'signedInStaff' },
  fields: (t) => ({
    email: t.exposeString('email'),
    name: t.exposeString('name'),
    role: t.field({ type: StaffRole, resolve: (staff) => staff.role }),
    active: t.exposeBoolean('active', { description: 'False once deactivated: the member can no longer sign in.' }),
    store: t.loadable({
      type: Store,
      nullable: true,
      description: 'The first of `stores` (by store code); null for admins, who act on every store.',
      load: async (staffIds: string[], context) =>
        (await findStoreIdsOfStaff(context.db, staffIds)).map((storeIds) => storeIds[0] ?? null),
      resolve: (staff) => staff.id,
    }),
    stores: t.loadableList({
      type: Store,
      description: 'The stores this member works in, by store code; none for admins, who act on every store.',
      load: (staffIds: string[], context) => findStoreIdsOfStaff(context.db, staffIds),
      resolve: (staff) => staff.id,
    }),
  }),
})

const StaffSignInInput = builder.inputType('StaffSignInInput', {
  fields: (t) => ({
    email: t.string({ required: true, validate: z.string().max(254) }),
    password: t.string({ required: true, validate: z.string().max(200) }),
  }),
})

const StaffSignInPayload = builder
  .objectRef<Payload<{ staff: StaffRow } & SessionTokens>>('StaffSignInPayload')
  .implement({
    fields: (t) => ({
      ...sessionTokenFields(t),
      staff: t.field({
        type: Staff,
        nullable: true,
        // The caller has just proved to be this staff member, though the request carried no token.
        grantScopes: ['signedInStaff'],
        resolve: (payload) => payload.staff ?? null,
      }),
      userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
    }),
  })

builder.mutationFields((t) => ({
  staffSignIn: t.field({
    type: StaffSignInPayload,
    args: { input: t.arg({ type: StaffSignInInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        const staff = await authenticateStaff(context.db, input.email, input.password, context.attempts)
        const tokens = await startSession(context.db, context.accessTokens, { kind: 'staff', staffId: staff.id })
        return { staff, ...tokens }
      }),
  }),
}))

builder.queryFields((t) => ({
  staffMe: t.field({
    type: Staff,
    nullable: true,
    description: 'The signed-in staff member; null for anyone else.',
    resolve: (_root, _args, context) => (context.viewer.kind === 'staff' ? context.viewer.staffId : null),
  }),
}))
