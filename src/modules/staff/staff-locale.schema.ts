import { GraphQLError } from 'graphql'
import type { StaffRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { localeInput } from '../../graphql/input-validation.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { localeOf } from '../shared/locale.js'
import { Staff } from './staff.schema.js'
import { setStaffLocale } from './staff-locale.service.js'

builder.objectField(Staff, 'locale', (t) =>
  t.exposeString('locale', {
    nullable: true,
    description: 'The language of the member’s staff board ("fr" or "en"); null: the browser’s.',
  }),
)

const StaffLocaleSetInput = builder.inputType('StaffLocaleSetInput', {
  fields: (t) => ({
    locale: t.string({ description: '"fr" or "en"; null: the browser’s language.', validate: localeInput }),
  }),
})

const StaffLocaleSetPayload = builder.objectRef<Payload<{ staff: StaffRow }>>('StaffLocaleSetPayload').implement({
  fields: (t) => ({
    staff: t.field({ type: Staff, nullable: true, resolve: (payload) => payload.staff ?? null }),
    userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
  }),
})

builder.mutationFields((t) => ({
  staffLocaleSet: t.field({
    type: StaffLocaleSetPayload,
    description: 'The signed-in staff member chooses the language of their staff board.',
    authScopes: { staff: true },
    args: { input: t.arg({ type: StaffLocaleSetInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        if (context.viewer.kind !== 'staff') {
          // A terminal passes the staff scope, but has no board language of its own.
          throw new GraphQLError('Only a signed-in staff member has a board language.', {
            extensions: { code: 'FORBIDDEN' },
          })
        }
        return { staff: await setStaffLocale(context.db, context.viewer.staffId, localeOf(input.locale) ?? null) }
      }),
  }),
}))
