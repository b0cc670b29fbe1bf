import { z } from 'zod'
import type { PosTerminalRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { Store } from '../stores/store.schema.js'
import { findTerminalsByIds, registerTerminal, revokeTerminal, updateTerminal } from './terminal.service.js'

export const readerIdSchema = z.string().regex(/^tmr_\w{1,64}$/, 'readerId is a Stripe Terminal reader id (tmr_…)')

export const PosTerminal = builder.loadableNode('PosTerminal', {
  id: { resolve: (terminal: PosTerminalRow) => terminal.id },
  load: (ids: string[], context) => findTerminalsByIds(context.db, ids),
  sort: (terminal) => terminal.id,
  authScopes: (terminal) => ({ staffOfStore: terminal.store_id }),
  fields: (t) => ({
    label: t.exposeString('label'),
    store: t.field({ type: Store, resolve: (terminal) => terminal.store_id }),
    createdAt: t.field({ type: 'DateTime', resolve: (terminal) => terminal.created_at }),
    revokedAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (terminal) => (terminal.revoked_at ? new Date(terminal.revoked_at) : null),
    }),
    active: t.boolean({ resolve: (terminal) => terminal.revoked_at === null }),
    readerId: t.string({
      nullable: true,
      description: 'The Stripe Terminal reader that takes card-present payments for this till.',
      resolve: (terminal) => terminal.stripe_reader_id,
    }),
  }),
})

const PosTerminalRegisterInput = builder.inputType('PosTerminalRegisterInput', {
  fields: (t) => ({
    storeId: t.globalID({ required: true, for: Store }),
    label: t.string({ required: true, validate: z.string().trim().min(1).max(80) }),
    readerId: t.string({ description: 'Its Stripe Terminal reader (tmr_…), if it has one.', validate: readerIdSchema }),
  }),
})

const PosTerminalRegisterPayload = builder
  .objectRef<Payload<{ terminal: PosTerminalRow; terminalKey: string }>>('PosTerminalRegisterPayload')
  .implement({
    fields: (t) => ({
      terminal: t.field({ type: PosTerminal, nullable: true, resolve: (p) => p.terminal ?? null }),
      terminalKey: t.string({
        nullable: true,
        description: 'The terminal sends it as `Authorization: Bearer <terminalKey>`. Shown once.',
        resolve: (p) => p.terminalKey ?? null,
      }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })

const PosTerminalUpdateInput = builder.inputType('PosTerminalUpdateInput', {
  description: 'Only the fields given change; readerId null unpairs the card reader.',
  fields: (t) => ({
    terminalId: t.globalID({ required: true, for: PosTerminal }),
    label: t.string({ validate: z.string().trim().min(1).max(80) }),
    readerId: t.string({ validate: readerIdSchema }),
  }),
  validate: z
    .looseObject({ label: z.string().nullish(), readerId: z.string().nullish() })
    .refine((input) => input.label != null || input.readerId !== undefined, 'Give a label or a readerId to change.'),
})

const PosTerminalRevokeInput = builder.inputType('PosTerminalRevokeInput', {
  fields: (t) => ({ terminalId: t.globalID({ required: true, for: PosTerminal }) }),
})

const terminalPayload = (name: string) =>
  builder.objectRef<Payload<{ terminal: PosTerminalRow }>>(name).implement({
    fields: (t) => ({
      terminal: t.field({ type: PosTerminal, nullable: true, resolve: (p) => p.terminal ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })
const PosTerminalRevokePayload = terminalPayload('PosTerminalRevokePayload')
const PosTerminalUpdatePayload = terminalPayload('PosTerminalUpdatePayload')

builder.mutationFields((t) => ({
  posTerminalRegister: t.field({
    type: PosTerminalRegisterPayload,
    description: 'A store manager (or an admin) registers a POS terminal for the store; its key acts only there.',
    args: { input: t.arg({ type: PosTerminalRegisterInput, required: true }) },
    authScopes: (_root, args) => ({ managerOfStore: args.input.storeId.id }),
    resolve: (_root, { input }, context) =>
      withUserErrors(() =>
        registerTerminal(context.db, {
          storeId: input.storeId.id,
          label: input.label.trim(),
          readerId: input.readerId ?? null,
          registeredBy: context.viewer.kind === 'staff' ? context.viewer.staffId : null,
        }),
      ),
  }),
  posTerminalUpdate: t.field({
    type: PosTerminalUpdatePayload,
    description: 'A store manager (or an admin) renames a terminal or pairs it with a card reader.',
    args: { input: t.arg({ type: PosTerminalUpdateInput, required: true }) },
    authScopes: async (_root, args, context) => {
      const [terminal] = await findTerminalsByIds(context.db, [args.input.terminalId.id])
      return { managerOfStore: terminal?.store_id ?? '' }
    },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        terminal: await updateTerminal(context.db, input.terminalId.id, {
          label: input.label?.trim() ?? undefined,
          readerId: input.readerId === undefined ? undefined : input.readerId,
        }),
      })),
  }),
  posTerminalRevoke: t.field({
    type: PosTerminalRevokePayload,
    description: 'A store manager (or an admin) revokes a terminal: its key stops working at once.',
    args: { input: t.arg({ type: PosTerminalRevokeInput, required: true }) },
    authScopes: async (_root, args, context) => {
      const [terminal] = await findTerminalsByIds(context.db, [args.input.terminalId.id])
      return { managerOfStore: terminal?.store_id ?? '' }
    },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({ terminal: await revokeTerminal(context.db, input.terminalId.id) })),
  }),
}))
