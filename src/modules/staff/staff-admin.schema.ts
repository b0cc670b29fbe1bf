import { z } from 'zod'
import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { auditAuthorOf } from '../../graphql/viewer-actor.js'
import { Store } from '../stores/store.schema.js'
import type { StaffMember } from './staff.js'
import { Staff, StaffRole } from './staff.schema.js'
import { createStaff, deactivateStaff, type StaffChangeDeps, updateStaff } from './staff-admin.service.js'

const nameInput = z.string().trim().min(1, 'name must not be empty').max(120)

const StaffCreateInput = builder.inputType('StaffCreateInput', {
  fields: (t) => ({
    email: t.string({ required: true, validate: z.string().max(254) }),
    name: t.string({ required: true, validate: nameInput }),
    role: t.field({ type: StaffRole, required: true }),
    storeIds: t.globalIDList({
      for: Store,
      description: 'The stores the member works in: at least one, or none for an ADMIN.',
    }),
  }),
})

const StaffUpdateInput = builder.inputType('StaffUpdateInput', {
  description: 'Only the fields given change; it holds from the member’s next request.',
  fields: (t) => ({
    staffId: t.globalID({ required: true, for: Staff }),
    name: t.string({ validate: nameInput }),
    role: t.field({ type: StaffRole }),
    storeIds: t.globalIDList({ for: Store }),
  }),
  validate: z
    .looseObject({ name: z.unknown().optional(), role: z.unknown().optional(), storeIds: z.unknown().optional() })
    .refine((input) => input.name != null || input.role != null || input.storeIds != null, {
      message: 'Give a name, a role or storeIds to change.',
    }),
})

const StaffDeactivateInput = builder.inputType('StaffDeactivateInput', {
  fields: (t) => ({ staffId: t.globalID({ required: true, for: Staff }) }),
})

const staffPayload = (name: string) =>
  builder.objectRef<Payload<{ staff: StaffMember }>>(name).implement({
    fields: (t) => ({
      staff: t.field({ type: Staff, nullable: true, resolve: (p) => p.staff ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })
const StaffCreatePayload = staffPayload('StaffCreatePayload')
const StaffUpdatePayload = staffPayload('StaffUpdatePayload')
const StaffDeactivatePayload = staffPayload('StaffDeactivatePayload')

/** The `manager` scope has let only a signed-in admin or manager through. */
function changeDeps(context: GraphQLContext): StaffChangeDeps {
  const viewer = context.viewer
  if (viewer.kind !== 'staff') throw new Error('staff changes need a signed-in member')
  return {
    db: context.db,
    manager: { staffId: viewer.staffId, role: viewer.role, storeIds: viewer.storeIds },
    author: auditAuthorOf(context),
    now: context.now,
  }
}

const MANAGERS = 'Admins; a manager only for associates of their own stores.'

builder.mutationFields((t) => ({
  staffCreate: t.field({
    type: StaffCreatePayload,
    description: `A new member, who gets a one-time link by email to set their password. ${MANAGERS}`,
    args: { input: t.arg({ type: StaffCreateInput, required: true }) },
    authScopes: { manager: true },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        staff: await createStaff(changeDeps(context), {
          email: input.email,
          name: input.name.trim(),
          role: input.role,
          storeIds: (input.storeIds ?? []).map((store) => store.id),
        }),
      })),
  }),
  staffUpdate: t.field({
    type: StaffUpdatePayload,
    description: `Renames a member or gives them another role or other stores. ${MANAGERS}`,
    args: { input: t.arg({ type: StaffUpdateInput, required: true }) },
    authScopes: { manager: true },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        staff: await updateStaff(changeDeps(context), {
          staffId: input.staffId.id,
          name: input.name?.trim() ?? undefined,
          role: input.role ?? undefined,
          storeIds: input.storeIds?.map((store) => store.id) ?? undefined,
        }),
      })),
  }),
  staffDeactivate: t.field({
    type: StaffDeactivatePayload,
    description: `The member is refused from their next request and signed out everywhere. ${MANAGERS}`,
    args: { input: t.arg({ type: StaffDeactivateInput, required: true }) },
    authScopes: { manager: true },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({ staff: await deactivateStaff(changeDeps(context), input.staffId.id) })),
  }),
}))
