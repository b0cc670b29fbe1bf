import { z } from 'zod'
import type { GiftCardPurchaseRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { MAX_MONEY_MINOR } from '../shared/money.js'
import { Money } from '../shared/money.schema.js'
import { isUuid } from '../shared/uuid.js'
import { giftCardPurchaseFor, purchaseGiftCard } from './gift-card-purchase.service.js'

const GiftCardPurchaseStatusEnum = builder.enumType('GiftCardPurchaseStatus', {
  values: ['PENDING_PAYMENT', 'ISSUED', 'FAILED'] as const,
})

/**
 * Not a Relay node on purpose: `node(id:)` would need its own rule for who may read it. Its id
 * is the purchase's random UUID, which for a guest's purchase is what proves it is theirs.
 */
const GiftCardPurchase = builder.objectRef<GiftCardPurchaseRow>('GiftCardPurchase').implement({
  description: 'An e-gift card bought online. Its code is only ever sent to the recipient, never shown here.',
  fields: (t) => ({
    id: t.exposeID('id'),
    amount: t.field({
      type: Money,
      resolve: (purchase) => ({ amountMinor: purchase.amount_minor, currencyCode: purchase.currency_code }),
    }),
    recipientEmail: t.exposeString('recipient_email'),
    message: t.exposeString('message', { nullable: true }),
    status: t.field({ type: GiftCardPurchaseStatusEnum, resolve: (purchase) => purchase.status }),
    createdAt: t.field({ type: 'DateTime', resolve: (purchase) => purchase.created_at }),
    issuedAt: t.field({ type: 'DateTime', nullable: true, resolve: (purchase) => purchase.issued_at }),
  }),
})

const GiftCardPurchaseInput = builder.inputType('GiftCardPurchaseInput', {
  fields: (t) => ({
    amount: t.int({
      required: true,
      description: 'In minor units of the currency; between 5.00 and 500.00 of it.',
      validate: z.number().int().min(0).max(MAX_MONEY_MINOR),
    }),
    currencyCode: t.string({ required: true, description: 'One the stores sell in.', validate: z.string().max(16) }),
    recipientEmail: t.string({ required: true, description: 'Where the code is sent.', validate: z.string().max(320) }),
    message: t.string({
      description: 'A few words to the recipient (at most 500 characters).',
      validate: z.string().max(2000),
    }),
    idempotencyKey: t.string({
      required: true,
      description:
        'Chosen by the client per purchase; a retry with the same key returns the same purchase and payment.',
      validate: z.string().min(8).max(100),
    }),
  }),
})

const GiftCardPurchasePayload = builder
  .objectRef<Payload<{ purchase: GiftCardPurchaseRow; clientSecret: string | null }>>('GiftCardPurchasePayload')
  .implement({
    fields: (t) => ({
      purchase: t.field({ type: GiftCardPurchase, nullable: true, resolve: (p) => p.purchase ?? null }),
      clientSecret: t.string({
        nullable: true,
        description: 'For Stripe.js to confirm the card payment; null once the purchase is no longer waiting for it.',
        resolve: (p) => p.clientSecret ?? null,
      }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })

builder.mutationFields((t) => ({
  giftCardPurchase: t.field({
    type: GiftCardPurchasePayload,
    description:
      'A shopper buys an e-gift card, paid by card online; the code is emailed to the recipient once paid. Open to guests; a signed-in customer is recorded as the buyer.',
    args: { input: t.arg({ type: GiftCardPurchaseInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(() =>
        purchaseGiftCard(
          { db: context.db, stripe: context.payments.stripe?.client ?? null },
          {
            amountMinor: input.amount,
            currencyCode: input.currencyCode,
            recipientEmail: input.recipientEmail,
            message: input.message ?? null,
            idempotencyKey: input.idempotencyKey,
            customerId: context.viewer.kind === 'customer' ? context.viewer.customerId : null,
          },
        ),
      ),
  }),
}))

builder.queryFields((t) => ({
  giftCardPurchase: t.field({
    type: GiftCardPurchase,
    nullable: true,
    description:
      "A purchase's status, for the customer who bought it, or for anyone holding the id of a guest's purchase; null otherwise.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => {
      const purchaseId = String(id)
      if (!isUuid(purchaseId)) return null
      return giftCardPurchaseFor(
        context.db,
        purchaseId,
        context.viewer.kind === 'customer' ? context.viewer.customerId : null,
      )
    },
  }),
}))
