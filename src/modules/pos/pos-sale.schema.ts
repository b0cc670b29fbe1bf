import { z } from 'zod'
import { storeOfViewer } from '../../auth/viewer.js'
import type { SalesOrderRow } from '../../db/database.js'
import { isUniqueViolation } from '../../db/sql-errors.js'
import { inTransaction } from '../../db/transaction.js'
import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { badUserInput, notFound } from '../../graphql/errors.js'
import { quantityInput } from '../../graphql/input-validation.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { actorOf } from '../../graphql/viewer-actor.js'
import { Variant } from '../catalog/catalog.schema.js'
import { Customer } from '../customers/customer.schema.js'
import { findCustomersByIds } from '../customers/customer.service.js'
import { Order } from '../orders/order.schema.js'
import { findPaymentsOfOrders, takeCashPayment } from '../payments/payment.service.js'
import { Money } from '../shared/money.schema.js'
import { Store } from '../stores/store.schema.js'
import { findStore } from '../stores/store.service.js'
import { PosPaymentInput, parsePosPayment } from './pos-payment.schema.js'
import { CardOnReaderError, SaleAbandonedError, SaleKeyReusedError } from './pos-sale.errors.js'
import {
  findCounterSaleByKey,
  findSaleLines,
  isSameSale,
  type PricedSaleLine,
  priceSaleLines,
  recordCounterSale,
} from './pos-sale.service.js'
import { finishCardSale } from './pos-sale-card.service.js'

const MAX_SALE_LINES = 200

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
      validate: z.array(z.unknown()).min(1, 'A sale has at least one line.').max(MAX_SALE_LINES),
    }),
    payment: t.field({ type: PosPaymentInput, required: true }),
    customerId: t.globalID({ for: Customer, description: 'Attach the sale to a customer’s history.' }),
    idempotencyKey: t.string({
      description:
        'Chosen by the till per sale: a retry returns the same sale. Needed for card sales, which finish in a second call.',
      validate: z.string().min(8).max(100),
    }),
  }),
})

const PosSaleCreatePayload = builder
  .objectRef<Payload<{ orderId: string; changeMinor: number | null; currencyCode: string }>>('PosSaleCreatePayload')
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
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })

interface SaleOutcome {
  orderId: string
  changeMinor: number | null
  currencyCode: string
  /** A card sale waiting for the shopper to tap or insert their card. */
  cardOnReader: boolean
}

async function takeCard(context: GraphQLContext, sale: SalesOrderRow, readerId: string | null): Promise<SaleOutcome> {
  const deps = { ...context, actor: actorOf(context.viewer) }
  const { cardOnReader } = await finishCardSale(deps, sale, readerId ?? '')
  return { orderId: sale.id, changeMinor: null, currencyCode: sale.currency_code, cardOnReader }
}

/** What a till sees of a sale it already recorded: the change it gave, or the card still to finish. */
async function replaySale(context: GraphQLContext, sale: SalesOrderRow, readerId: string | null): Promise<SaleOutcome> {
  if (sale.status === 'PENDING_PAYMENT') return takeCard(context, sale, readerId)
  if (sale.status !== 'COLLECTED') throw new SaleAbandonedError()
  const cash = (await findPaymentsOfOrders(context.db, [sale.id])).find((payment) => payment.provider === 'CASH')
  return {
    orderId: sale.id,
    changeMinor: cash?.change_minor ?? null,
    currencyCode: sale.currency_code,
    cardOnReader: false,
  }
}

builder.mutationFields((t) => ({
  posSaleCreate: t.field({
    type: PosSaleCreatePayload,
    description:
      'A walk-in sale at the till: the goods leave the shelf (ledger POS_SALE), paid in cash or by card on the reader.',
    args: { input: t.arg({ type: PosSaleCreateInput, required: true }) },
    authScopes: (_root, args, context) => ({
      staffOfStore: args.input.storeId?.id ?? storeOfViewer(context.viewer) ?? '',
    }),
    resolve: async (_root, { input }, context) => {
      const storeId = input.storeId?.id ?? storeOfViewer(context.viewer)
      if (!storeId) throw badUserInput('Give the storeId of the sale: an admin belongs to no store.')
      if (!(await findStore(context.db, storeId))) throw notFound('Store', storeId)
      const customerId = input.customerId?.id ?? null
      if (customerId && (await findCustomersByIds(context.db, [customerId])).length === 0) {
        throw notFound('Customer', customerId)
      }
      const key = input.idempotencyKey ?? null
      if (input.payment.method === 'CARD_PRESENT' && context.payments.stripe && !key) {
        throw badUserInput('A card sale finishes in a second call once the card is accepted: send an idempotencyKey.')
      }
      const requested = input.lines.map((line) => ({
        variantId: line.variantId?.id ?? null,
        barcode: line.barcode ?? null,
        quantity: line.quantity,
      }))
      const result = await withUserErrors(async (): Promise<SaleOutcome> => {
        const { lines, currencyCode } = await priceSaleLines(context.db, requested)
        const payment = await parsePosPayment(context, input.payment, { storeId, currencyCode })
        if (payment.method === 'CASH' && payment.tenderedMinor === null) {
          throw badUserInput('A cash sale needs amountTendered.')
        }
        const replayed = key ? await findReplay(context, storeId, key, lines) : null
        if (replayed) return replaySale(context, replayed, payment.readerId)
        const sale = {
          storeId,
          customerId,
          idempotencyKey: key,
          lines,
          currencyCode,
          actor: actorOf(context.viewer),
          now: context.now,
        }
        try {
          if (payment.method === 'CASH') {
            return await inTransaction(context.db, async (trx) => {
              const order = await recordCounterSale(trx, { ...sale, settlement: 'NOW' })
              const { changeMinor } = await takeCashPayment(trx, order, payment.tenderedMinor ?? 0, context.now)
              return { orderId: order.id, changeMinor, currencyCode, cardOnReader: false }
            })
          }
          const cardDueAt = new Date(context.now.getTime() + context.orders.paymentTimeoutMinutes * 60_000)
          const pending = await inTransaction(context.db, (trx) =>
            recordCounterSale(trx, { ...sale, settlement: { cardDueAt } }),
          )
          return await takeCard(context, pending, payment.readerId)
        } catch (error) {
          // Two tills (or one retrying) raced on the same key: the first one recorded the sale.
          if (!key || !isUniqueViolation(error, 'sales_order_pos_idempotency_idx')) throw error
          const winner = await findReplay(context, storeId, key, lines)
          if (!winner) throw error
          return replaySale(context, winner, payment.readerId)
        }
      })
      // The sale exists and is shown, but the till must call again once the card is accepted.
      return result.cardOnReader ? { ...result, userErrors: new CardOnReaderError().userErrors() } : result
    },
  }),
}))

async function findReplay(
  context: GraphQLContext,
  storeId: string,
  key: string,
  lines: PricedSaleLine[],
): Promise<SalesOrderRow | null> {
  const sale = await findCounterSaleByKey(context.db, storeId, key)
  if (!sale) return null
  if (!isSameSale(await findSaleLines(context.db, sale.id), lines)) throw new SaleKeyReusedError()
  return sale
}
