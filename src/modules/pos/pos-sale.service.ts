import { randomUUID } from 'node:crypto'
import type { Db } from '../../db/create-db.js'
import type { OrderGiftCardRow, OrderLineRow, SalesOrderRow, VariantRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { findActiveVariants, findActiveVariantsByBarcodes } from '../catalog/catalog.service.js'
import { type GiftCardToSell, recordGiftCardsSold } from '../giftcards/gift-card-sale.service.js'
import { holdAtCounter, sellAtCounter } from '../inventory/inventory.service.js'
import { type NewOrder, numberNewOrder, recordNewOrder } from '../orders/new-order.service.js'
import { orderTotals } from '../orders/order.js'
import { nextOrderNumber } from '../orders/order-number.service.js'
import { type OrderActor, stockActorOf } from '../orders/order-transition.js'
import { resolvePrices } from '../pricing/price.service.js'
import type { OrderDiscounts } from '../promotions/order-discounts.js'
import { recordOrderDiscounts } from '../promotions/order-discounts.service.js'
import type { UserErrorEntry } from '../shared/business-error.js'
import { MAX_MONEY_MINOR } from '../shared/money.js'
import { SaleLinesRejectedError, saleCurrencyMismatch, saleTotalTooLarge, unknownSaleLine } from './pos-sale.errors.js'

export interface SaleLineRequest {
  variantId: string | null
  barcode: string | null
  quantity: number
}

export interface PricedSaleLine {
  variant: VariantRow
  quantity: number
  /** The store's POS price (the price rule, channel POS, at the sale's instant). */
  unitPriceMinor: number
  /** The first position of this variant in the request, for naming it in an error. */
  index: number
}

/**
 * What the till scanned, at the store's POS price (the price rule for the store and channel POS,
 * at `at`): repeated scans of one item become one line. Every unknown item or foreign currency is
 * named at once, so the cashier fixes them together.
 */
export async function priceSaleLines(
  db: Db,
  requested: readonly SaleLineRequest[],
  at: { storeId: string; now: Date },
): Promise<{ lines: PricedSaleLine[]; currencyCode: string }> {
  const byId = await findActiveVariants(
    db,
    requested.flatMap((line) => (line.variantId ? [line.variantId] : [])),
  )
  const byBarcode = await findActiveVariantsByBarcodes(
    db,
    requested.flatMap((line) => (line.barcode ? [line.barcode] : [])),
  )
  const { prices } = await resolvePrices(
    db,
    [...byId.values(), ...byBarcode.values()].map((variant) => variant.id),
    { storeId: at.storeId, channel: 'POS', at: at.now },
  )
  const rejected: UserErrorEntry[] = []
  const merged = new Map<string, PricedSaleLine>()
  requested.forEach((line, index) => {
    const variant = line.variantId ? byId.get(line.variantId) : byBarcode.get(line.barcode ?? '')
    if (!variant) {
      rejected.push(unknownSaleLine(index, line.variantId ? 'variantId' : 'barcode'))
      return
    }
    const seen = merged.get(variant.id)
    const unitPriceMinor = prices.get(variant.id)?.amountMinor
    if (unitPriceMinor === undefined) throw new Error(`the price rule answered nothing for variant ${variant.id}`)
    merged.set(variant.id, {
      variant,
      quantity: (seen?.quantity ?? 0) + line.quantity,
      unitPriceMinor,
      index: seen?.index ?? index,
    })
  })
  const lines = [...merged.values()]
  const currencyCode = lines[0]?.variant.currency_code ?? ''
  for (const line of lines) {
    if (line.variant.currency_code !== currencyCode) rejected.push(saleCurrencyMismatch(line.index, currencyCode))
  }
  if (rejected.length > 0) throw new SaleLinesRejectedError(rejected)
  const totalMinor = lines.reduce((sum, line) => sum + line.unitPriceMinor * line.quantity, 0)
  if (totalMinor > MAX_MONEY_MINOR) throw new SaleLinesRejectedError([saleTotalTooLarge(currencyCode)])
  return { lines, currencyCode }
}

/**
 * True when a sale already recorded under a key is the one the till sends again: the same items
 * and the same gift cards sold. Codes are not compared: a retry gets the sale as it was priced.
 */
export function isSameSale(
  recorded: { lines: readonly OrderLineRow[]; giftCards: readonly OrderGiftCardRow[] },
  sent: { lines: readonly PricedSaleLine[]; giftCards: readonly GiftCardToSell[] },
): boolean {
  const wanted = new Map(sent.lines.map((line) => [line.variant.id, line.quantity]))
  const sameLines =
    recorded.lines.length === wanted.size &&
    recorded.lines.every((line) => wanted.get(line.variant_id) === line.quantity)
  const sameCards =
    recorded.giftCards.length === sent.giftCards.length &&
    recorded.giftCards.every((card, index) => card.amount_minor === sent.giftCards[index]?.amountMinor)
  return sameLines && sameCards
}

export interface CounterSaleInput {
  storeId: string
  customerId: string | null
  idempotencyKey: string | null
  lines: PricedSaleLine[]
  /** What the promotions take off, from discountsForOrder: each line's discount in the lines' order. */
  discounts: OrderDiscounts
  /** Paid beside the goods, issued once the sale is paid (issueGiftCardsOfSale). */
  giftCards: GiftCardToSell[]
  currencyCode: string
  actor: OrderActor
  now: Date
  /** Cash is handed over at once; a card waits on the reader (PENDING_PAYMENT) with its units reserved. */
  settlement: 'NOW' | { cardDueAt: Date }
}

/**
 * A gift card sold counts in the sale's totals as one untaxed unit that no promotion touched: the
 * shopper pays it with the goods (subtotal and total include it) and no tax is due until it is
 * spent. It is no order line (it has no variant), so a return of the goods never refunds it.
 */
function asTotalledUnit(card: GiftCardToSell) {
  return { quantity: 1, unit_price_minor: card.amountMinor, tax_rate_bp: 0, discount_minor: 0 }
}

/**
 * Records a walk-in sale as an order of channel POS, with its lines and their discounts, the gift
 * cards it sells, history, event and stock, in the caller's transaction. The shared rows are
 * taken last, in the order every path takes them: stock levels, the store's counter, then the
 * promotions' uses. A promotion whose last use another order took throws PromotionExhaustedError
 * and the caller's transaction rolls back.
 */
export async function recordCounterSale(trx: Trx, input: CounterSaleInput): Promise<SalesOrderRow> {
  const orderId = randomUUID()
  const snapshot = input.lines.map((line, position) => ({
    order_id: orderId,
    line_number: position + 1,
    variant_id: line.variant.id,
    sku: line.variant.sku,
    title: line.variant.title,
    quantity: line.quantity,
    unit_price_minor: line.unitPriceMinor,
    tax_rate_bp: line.variant.tax_rate_bp,
    discount_minor: input.discounts.lineDiscounts[position] ?? 0,
  }))
  const status = input.settlement === 'NOW' ? 'COLLECTED' : 'PENDING_PAYMENT'
  const order: NewOrder = {
    id: orderId,
    number: `~${orderId}`, // replaced below, once the store's counter is taken
    storeId: input.storeId,
    customerId: input.customerId,
    cartId: null,
    idempotencyKey: input.idempotencyKey,
    contactEmail: null,
    channel: 'POS',
    status,
    paymentMode: 'IN_STORE',
    pickupSlotStart: null,
    pickupSlotEnd: null,
    pickupCodeHash: null,
    currencyCode: input.currencyCode,
    totals: orderTotals([...snapshot, ...input.giftCards.map(asTotalledUnit)]),
    paymentDueAt: input.settlement === 'NOW' ? null : input.settlement.cardDueAt,
  }
  await recordNewOrder(trx, order, snapshot, {
    actor: input.actor,
    note: 'sold at the till',
    at: input.now,
    eventType: 'pos_sale',
  })
  await recordGiftCardsSold(trx, orderId, input.giftCards)
  const stock = {
    storeId: input.storeId,
    orderId,
    actor: stockActorOf(input.actor),
    lines: input.lines.map((line) => ({
      variantId: line.variant.id,
      quantity: line.quantity,
      sku: line.variant.sku,
      index: line.index,
    })),
  }
  await (input.settlement === 'NOW' ? sellAtCounter(trx, stock) : holdAtCounter(trx, stock))
  const number = await nextOrderNumber(trx, input.storeId)
  await recordOrderDiscounts(trx, { orderId, customerId: input.customerId }, input.discounts)
  return numberNewOrder(trx, orderId, { number, collected_at: input.settlement === 'NOW' ? input.now : null })
}
