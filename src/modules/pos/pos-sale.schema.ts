import { z } from 'zod'
import { storeOfViewer } from '../../auth/viewer.js'
import { builder } from '../../graphql/builder.js'
import { quantityInput } from '../../graphql/input-validation.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { actorOf } from '../../graphql/viewer-actor.js'
import { Variant } from '../catalog/catalog.schema.js'
import { Customer } from '../customers/customer.schema.js'
import { MAX_GIFT_CARDS_PER_ORDER } from '../giftcards/gift-card-redemption.js'
import { Order } from '../orders/order.schema.js'
import { MAX_MONEY_MINOR } from '../shared/money.js'
import { Money } from '../shared/money.schema.js'
import { Store } from '../stores/store.schema.js'
import { PosPaymentInput, pairedReaderOf } from './pos-payment.schema.js'
import { CardOnReaderError } from './pos-sale.errors.js'
import { IssuedGiftCard } from './sold-gift-card.schema.js'
import { type SaleOutcome, sellAtTill } from './till-sale.service.js'

const MAX_SALE_LINES = 200
/** A till sells a few cards at once; more is a mistake. */
const MAX_GIFT_CARDS_SOLD = 10
const MAX_DISCOUNT_CODES = 10

const PosSaleGiftCardInput = builder.inputType('PosSaleGiftCardInput', {
  description:
    'A gift card the shopper buys: paid with the sale (cash or card, never gift cards), issued once it is paid.',
  fields: (t) => ({
    amount: t.int({
      required: true,
      description: 'In minor units of the sale’s currency.',
      validate: z.number().int().positive().max(MAX_MONEY_MINOR),
    }),
    expiresAt: t.field({ type: 'DateTime' }),
  }),
})

const PosSaleLineInput = builder.inputType('PosSaleLineInput', {
  description: 'One scanned or picked item: exactly one of barcode or variantId.',
  fields: (t) => ({
    barcode: t.string({ validate: z.string().regex(/^\d{8,14}$/, 'barcode is 8 to 14 digits (EAN/UPC)') }),
    variantId: t.globalID({ for: Variant }),
    quantity: t.int({ required: true, validate: quantityInput }),
  }),
  validate: z
    .looseObject({ barcode: z.string().nullish(), variantId: z.unknown().optional() })
    .refine((line) => (line.barcode == null) !== (line.variantId == null), 'Give exactly one of barcode or variantId.'),
})

const PosSaleCreateInput = builder.inputType('PosSaleCreateInput', {
  fields: (t) => ({
    storeId: t.globalID({ for: Store, description: 'Defaults to the store of the terminal or staff member.' }),
    lines: t.field({
      type: [PosSaleLineInput],
      required: true,
      description: 'May be empty when the sale only sells gift cards.',
      validate: z.array(z.unknown()).max(MAX_SALE_LINES),
    }),
    giftCards: t.field({
      type: [PosSaleGiftCardInput],
      description: 'Gift cards sold: their codes come back once in the payload, when the sale is paid.',
      validate: z.array(z.unknown()).max(MAX_GIFT_CARDS_SOLD),
    }),
    discountCodes: t.stringList({
      description:
        'Discount codes for the goods. The store’s automatic promotions apply without one; a code that does not apply refuses the sale with its reason.',
      validate: z.array(z.string().max(64)).max(MAX_DISCOUNT_CODES),
    }),
    payment: t.field({ type: PosPaymentInput, required: true }),
    giftCardCodes: t.stringList({
      description:
        'Gift cards paying the goods first, in this order; cash or the card pays the rest (amountTendered may be "0.00").',
      validate: z.array(z.string().max(64)).max(4 * MAX_GIFT_CARDS_PER_ORDER),
    }),
    customerId: t.globalID({ for: Customer, description: 'Attach the sale to a customer’s history.' }),
    idempotencyKey: t.string({
      description:
        'Chosen by the till per sale: a retry returns the same sale. Needed for card sales, which finish in a second call.',
      validate: z.string().min(8).max(100),
    }),
  }),
  validate: z
    .looseObject({ lines: z.array(z.unknown()), giftCards: z.array(z.unknown()).nullish() })
    .refine(
      (input) => input.lines.length + (input.giftCards?.length ?? 0) > 0,
      'A sale has at least one line or gift card.',
    ),
})

const PosSaleCreatePayload = builder
  .objectRef<Payload<Omit<SaleOutcome, 'cardOnReader'>>>('PosSaleCreatePayload')
  .implement({
    fields: (t) => ({
      order: t.field({ type: Order, nullable: true, resolve: (p) => p.orderId ?? null }),
      change: t.field({
        type: Money,
        nullable: true,
        description: 'Cash to give back.',
        resolve: (p) =>
          p.changeMinor == null ? null : { amountMinor: p.changeMinor, currencyCode: p.currencyCode ?? '' },
      }),
      giftCards: t.field({
        type: [IssuedGiftCard],
        description: 'The gift cards this call issued, with their codes: shown here once, never on a retry.',
        resolve: (p) => p.giftCards ?? [],
      }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })

function saleLineOf(line: { variantId?: { id: string } | null; barcode?: string | null; quantity: number }) {
  return { variantId: line.variantId?.id ?? null, barcode: line.barcode ?? null, quantity: line.quantity }
}

builder.mutationFields((t) => ({
  posSaleCreate: t.field({
    type: PosSaleCreatePayload,
    description:
      'A walk-in sale at the till: the goods leave the shelf (ledger POS_SALE), paid in cash or by card on the reader.',
    args: { input: t.arg({ type: PosSaleCreateInput, required: true }) },
    authScopes: (_root, args, context) => {
      const storeId = args.input.storeId?.id ?? storeOfViewer(context.viewer)
      // No store named or implied (an admin, a member of several stores): the sale asks for one.
      return storeId ? { staffOfStore: storeId } : { staff: true }
    },
    resolve: async (_root, { input }, context) => {
      const { db, payments, logger } = context
      const deps = { db, payments, logger, paymentTimeoutMinutes: context.orders.paymentTimeoutMinutes }
      const result = await withUserErrors(() =>
        sellAtTill(deps, {
          storeId: input.storeId?.id ?? storeOfViewer(context.viewer),
          customerId: input.customerId?.id ?? null,
          idempotencyKey: input.idempotencyKey ?? null,
          lines: input.lines.map(saleLineOf),
          giftCards: (input.giftCards ?? []).map((card) => ({
            amountMinor: card.amount,
            expiresAt: card.expiresAt ?? null,
          })),
          discountCodes: input.discountCodes ?? [],
          payment: input.payment,
          giftCardCodes: input.giftCardCodes ?? [],
          pairedReaderId: pairedReaderOf(context),
          actor: actorOf(context.viewer),
          now: context.now,
        }),
      )
      // The sale exists and is shown, but the till must call again once the card is accepted.
      return result.cardOnReader ? { ...result, userErrors: new CardOnReaderError().userErrors() } : result
    },
  }),
}))
