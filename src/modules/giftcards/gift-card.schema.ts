import { GraphQLError } from 'graphql'
import { z } from 'zod'
import { TooManyAttemptsError } from '../../auth/sign-in.errors.js'
import { storeOfViewer } from '../../auth/viewer.js'
import type { GiftCardMovementRow, GiftCardRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { auditAuthorOf } from '../../graphql/viewer-actor.js'
import { Customer } from '../customers/customer.schema.js'
import { MAX_MONEY_MINOR } from '../shared/money.js'
import { Money } from '../shared/money.schema.js'
import { Store } from '../stores/store.schema.js'
import {
  createGiftCard,
  findGiftCardMovements,
  findGiftCardsByIds,
  giftCardBalanceCounted,
  isExpired,
} from './gift-card.service.js'
import { adjustGiftCard } from './gift-card-adjust.service.js'

const GiftCardMovementKindEnum = builder.enumType('GiftCardMovementKind', {
  values: ['ISSUE', 'REDEEM', 'REFUND', 'RELEASE', 'ADJUST'] as const,
})

const GiftCardMovement = builder
  .objectRef<GiftCardMovementRow & { currency_code: string }>('GiftCardMovement')
  .implement({
    description: 'One change of a balance: the balance is the sum of its card’s movements.',
    fields: (t) => ({
      kind: t.field({ type: GiftCardMovementKindEnum, resolve: (movement) => movement.kind }),
      amount: t.field({
        type: Money,
        description: 'Signed: negative for a redemption.',
        resolve: (movement) => ({ amountMinor: movement.amount_minor, currencyCode: movement.currency_code }),
      }),
      createdAt: t.field({ type: 'DateTime', resolve: (movement) => movement.created_at }),
    }),
  })

export const GiftCard = builder.loadableNode('GiftCard', {
  id: { resolve: (card: GiftCardRow) => card.id },
  load: (ids: string[], context) => findGiftCardsByIds(context.db, ids),
  sort: (card) => card.id,
  description: 'A stored-value card. Its code is shown once, when issued; staff see its last characters.',
  authScopes: (card) => (card.issued_store_id ? { staffOfStore: card.issued_store_id } : { admin: true }),
  fields: (t) => ({
    lastCharacters: t.exposeString('last_characters'),
    initialAmount: t.field({
      type: Money,
      resolve: (card) => ({ amountMinor: card.initial_amount_minor, currencyCode: card.currency_code }),
    }),
    balance: t.field({
      type: Money,
      resolve: (card) => ({ amountMinor: card.balance_minor, currencyCode: card.currency_code }),
    }),
    expiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (card) => (card.expires_at ? new Date(card.expires_at) : null),
    }),
    customer: t.field({ type: Customer, nullable: true, resolve: (card) => card.customer_id }),
    issuedAtStore: t.field({ type: Store, nullable: true, resolve: (card) => card.issued_store_id }),
    issuedChannel: t.exposeString('issued_channel'),
    createdAt: t.field({ type: 'DateTime', resolve: (card) => card.created_at }),
    movements: t.field({
      type: [GiftCardMovement],
      resolve: async (card, _args, context) =>
        (await findGiftCardMovements(context.db, card.id)).map((movement) => ({
          ...movement,
          currency_code: card.currency_code,
        })),
    }),
  }),
})

const GiftCardBalance = builder
  .objectRef<{ balanceMinor: number; currencyCode: string; expiresAt: Date | null; expired: boolean }>(
    'GiftCardBalance',
  )
  .implement({
    description: 'What a card holds, for whoever has its code.',
    fields: (t) => ({
      balance: t.field({
        type: Money,
        resolve: (balance) => ({ amountMinor: balance.balanceMinor, currencyCode: balance.currencyCode }),
      }),
      expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (balance) => balance.expiresAt }),
      expired: t.exposeBoolean('expired', { description: 'An expired card pays for nothing, whatever its balance.' }),
    }),
  })

const currencyCodeSchema = z
  .string()
  .refine((code) => Intl.supportedValuesOf('currency').includes(code), 'not an ISO 4217 code')

const GiftCardCreateInput = builder.inputType('GiftCardCreateInput', {
  fields: (t) => ({
    amount: t.int({
      required: true,
      description: 'In minor units of the currency.',
      validate: z.number().int().positive().max(MAX_MONEY_MINOR),
    }),
    currencyCode: t.string({ required: true, validate: currencyCodeSchema }),
    customerId: t.globalID({ for: Customer, description: 'The customer the card is for, if known.' }),
    expiresAt: t.field({ type: 'DateTime' }),
    storeId: t.globalID({
      for: Store,
      description: 'Where it is issued: a till’s own store when omitted; only admins issue cards of no store.',
    }),
  }),
})

const GiftCardCreatePayload = builder
  .objectRef<Payload<{ giftCard: GiftCardRow; code: string }>>('GiftCardCreatePayload')
  .implement({
    fields: (t) => ({
      giftCard: t.field({ type: GiftCard, nullable: true, resolve: (p) => p.giftCard ?? null }),
      code: t.string({
        nullable: true,
        description: 'The code to give the customer. Shown once: only its hash is kept.',
        resolve: (p) => p.code ?? null,
      }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })

builder.mutationFields((t) => ({
  giftCardCreate: t.field({
    type: GiftCardCreatePayload,
    description: 'Staff issue a gift card: admins anywhere, managers and associates for their store.',
    args: { input: t.arg({ type: GiftCardCreateInput, required: true }) },
    authScopes: (_root, args, context) => {
      const storeId = args.input.storeId?.id ?? storeOfViewer(context.viewer)
      return storeId ? { staffOfStore: storeId } : { admin: true }
    },
    resolve: (_root, { input }, context) =>
      withUserErrors(() =>
        createGiftCard(
          context.db,
          auditAuthorOf(context),
          {
            amountMinor: input.amount,
            currencyCode: input.currencyCode,
            customerId: input.customerId?.id ?? null,
            expiresAt: input.expiresAt ?? null,
            storeId: input.storeId?.id ?? storeOfViewer(context.viewer),
          },
          context.now,
        ),
      ),
  }),
}))

const GiftCardAdjustInput = builder.inputType('GiftCardAdjustInput', {
  fields: (t) => ({
    giftCardId: t.globalID({ required: true, for: GiftCard }),
    amount: t.int({
      required: true,
      description: 'Signed, in minor units: negative takes off the balance.',
      validate: z
        .number()
        .int()
        .min(-MAX_MONEY_MINOR)
        .max(MAX_MONEY_MINOR)
        .refine((amount) => amount !== 0, 'An adjustment changes the balance.'),
    }),
    reason: t.string({ required: true, validate: z.string().trim().min(1).max(200) }),
  }),
})

const GiftCardAdjustPayload = builder.objectRef<Payload<{ giftCard: GiftCardRow }>>('GiftCardAdjustPayload').implement({
  fields: (t) => ({
    giftCard: t.field({ type: GiftCard, nullable: true, resolve: (p) => p.giftCard ?? null }),
    userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
  }),
})

builder.mutationFields((t) => ({
  giftCardAdjust: t.field({
    type: GiftCardAdjustPayload,
    description: 'A manager of the issuing store (or an admin) corrects a balance, with a reason; audited.',
    args: { input: t.arg({ type: GiftCardAdjustInput, required: true }) },
    authScopes: async (_root, args, context) => {
      const [card] = await findGiftCardsByIds(context.db, [args.input.giftCardId.id])
      return card?.issued_store_id ? { managerOfStore: card.issued_store_id } : { admin: true }
    },
    resolve: (_root, { input }, context) =>
      withUserErrors(() =>
        adjustGiftCard(context.db, auditAuthorOf(context), {
          giftCardId: input.giftCardId.id,
          amountMinor: input.amount,
          reason: input.reason.trim(),
        }),
      ),
  }),
}))

builder.queryFields((t) => ({
  giftCardBalance: t.field({
    type: GiftCardBalance,
    nullable: true,
    description: 'The balance of the card with this code; null for an unknown code. Guesses are limited per address.',
    args: { code: t.arg.string({ required: true, validate: z.string().max(64) }) },
    resolve: async (_root, { code }, context) => {
      try {
        const found = await giftCardBalanceCounted(context.db, context.attempts, code, context.now)
        if (!found) return null
        return {
          balanceMinor: found.giftCard.balance_minor,
          currencyCode: found.giftCard.currency_code,
          expiresAt: found.giftCard.expires_at ? new Date(found.giftCard.expires_at) : null,
          expired: isExpired(found.giftCard, context.now),
        }
      } catch (error) {
        if (!(error instanceof TooManyAttemptsError)) throw error
        throw new GraphQLError(error.userErrors()[0]?.message ?? 'Too many attempts.', {
          extensions: { code: 'TOO_MANY_ATTEMPTS', retryAt: error.retryAt.toISOString() },
        })
      }
    },
  }),
}))
