import { z } from 'zod'
import type { StaffRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { MAX_PASSWORD_LENGTH } from '../customers/password-policy.js'
import { Staff } from './staff.schema.js'
import { changeOwnPassword, requestPasswordReset, setPasswordWithLink } from './staff-password.service.js'

const passwordInput = z.string().max(MAX_PASSWORD_LENGTH)

const StaffPasswordResetInput = builder.inputType('StaffPasswordResetInput', {
  fields: (t) => ({ email: t.string({ required: true, validate: z.string().max(254) }) }),
})

const StaffPasswordSetInput = builder.inputType('StaffPasswordSetInput', {
  fields: (t) => ({
    token: t.string({ required: true, description: 'From the link sent by email.', validate: z.string().max(200) }),
    password: t.string({ required: true, validate: passwordInput }),
  }),
})

const StaffPasswordChangeInput = builder.inputType('StaffPasswordChangeInput', {
  fields: (t) => ({
    currentPassword: t.string({ required: true, validate: passwordInput }),
    newPassword: t.string({ required: true, validate: passwordInput }),
  }),
})

const StaffPasswordResetPayload = builder.objectRef<Payload<object>>('StaffPasswordResetPayload').implement({
  description: 'The same answer whether or not the email is a member’s.',
  fields: (t) => ({ userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }) }),
})

const StaffPasswordSetPayload = builder.objectRef<Payload<{ staff: StaffRow }>>('StaffPasswordSetPayload').implement({
  fields: (t) => ({
    staff: t.field({
      type: Staff,
      nullable: true,
      // The link proved the caller is this member, though the request carried no token.
      grantScopes: ['signedInStaff'],
      resolve: (p) => p.staff ?? null,
    }),
    userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
  }),
})

const StaffPasswordChangePayload = builder
  .objectRef<Payload<{ staff: StaffRow }>>('StaffPasswordChangePayload')
  .implement({
    fields: (t) => ({
      staff: t.field({ type: Staff, nullable: true, resolve: (p) => p.staff ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })

builder.mutationFields((t) => ({
  staffPasswordReset: t.field({
    type: StaffPasswordResetPayload,
    description: 'Emails a one-time link (valid an hour) to the active member with this email, if there is one.',
    args: { input: t.arg({ type: StaffPasswordResetInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        await requestPasswordReset(context, input.email)
        return {}
      }),
  }),
  staffPasswordSet: t.field({
    type: StaffPasswordSetPayload,
    description: 'Sets the password with the token of an invite or reset link; signs the member out everywhere.',
    args: { input: t.arg({ type: StaffPasswordSetInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({ staff: await setPasswordWithLink(context, input) })),
  }),
  staffPasswordChange: t.field({
    type: StaffPasswordChangePayload,
    description: 'The signed-in member’s new password; their other sessions end.',
    args: { input: t.arg({ type: StaffPasswordChangeInput, required: true }) },
    authScopes: (_root, _args, context) =>
      context.viewer.kind === 'staff' && context.credential.kind === 'access-token',
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        const { viewer, credential } = context
        if (viewer.kind !== 'staff' || credential.kind !== 'access-token') throw new Error('needs a staff session')
        const staff = await changeOwnPassword(context, {
          staffId: viewer.staffId,
          sessionId: credential.claims.sessionId,
          currentPassword: input.currentPassword,
          newPassword: input.newPassword,
        })
        return { staff }
      }),
  }),
}))
