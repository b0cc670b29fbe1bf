import type { Channel } from '../../db/database.js'
import { CHANNELS } from '../carts/cart.js'
import type { HistogramSumsRow, InsightGrouping, OrderSumsRow } from './insight.repository.js'
import { type DurationFigure, durationFigureOf, NO_DURATION, unpackHistogram } from './insight-histogram.js'
import { METRIC, type Metric } from './insight-milestones.js'

export interface CurrencyFigure {
  currencyCode: string
  /** Orders placed and POS sales: the baskets the average is taken over. */
  baskets: number
  basketMinor: number
  revenueMinor: number
}

/** One group's figures: counts, money per currency, and the ratios derived from them. */
export interface InsightRow {
  groupBy: InsightGrouping
  /** DAY: the date; WEEK: the Monday starting the week (store-local dates). */
  period: string | null
  /** STORE: the store; null for carts started before any store was chosen. */
  storeId: string | null
  channel: Channel | null
  cartsStarted: number
  ordersPlaced: number
  posSales: number
  crossDeviceOrders: number
  ready: number
  readyBeforeSlot: number
  collected: number
  noShows: number
  cancellations: number
  returnedOrders: number
  currencies: CurrencyFigure[]
  revenueByChannel: { channel: Channel; currencyCode: string; amountMinor: number }[]
  placedToReady: DurationFigure
  counterWait: DurationFigure
  conversion: number | null
  crossDeviceShare: number | null
  readyBeforeSlotShare: number | null
  noShowShare: number | null
  cancellationShare: number | null
  returnsRate: number | null
}

/** The rows of a report from the three rollup reads, in the group's natural order. */
export function buildInsightRows(
  groupBy: InsightGrouping,
  carts: readonly { key: string | null; carts_started: number }[],
  orders: readonly OrderSumsRow[],
  histograms: readonly HistogramSumsRow[],
): InsightRow[] {
  const rows = new Map<string | null, InsightRow>()
  const rowOf = (key: string | null) => {
    const found = rows.get(key)
    if (found) return found
    const row = emptyRow(groupBy, key)
    rows.set(key, row)
    return row
  }
  for (const cart of carts) rowOf(cart.key).cartsStarted += cart.carts_started
  for (const sums of orders) addOrderSums(rowOf(sums.key), sums)
  for (const summed of histograms) {
    const figure = durationFigureOf(unpackHistogram(summed.histogram))
    const row = rowOf(summed.key)
    if ((summed.metric as Metric) === METRIC.PLACED_TO_READY) row.placedToReady = figure
    else row.counterWait = figure
  }
  return [...rows.values()].map(withRatios).sort(compareRows)
}

function emptyRow(groupBy: InsightGrouping, key: string | null): InsightRow {
  return {
    groupBy,
    period: groupBy === 'DAY' || groupBy === 'WEEK' ? key : null,
    storeId: groupBy === 'STORE' ? key : null,
    channel: groupBy === 'CHANNEL' ? (key as Channel) : null,
    cartsStarted: 0,
    ordersPlaced: 0,
    posSales: 0,
    crossDeviceOrders: 0,
    ready: 0,
    readyBeforeSlot: 0,
    collected: 0,
    noShows: 0,
    cancellations: 0,
    returnedOrders: 0,
    currencies: [],
    revenueByChannel: [],
    placedToReady: NO_DURATION,
    counterWait: NO_DURATION,
    conversion: null,
    crossDeviceShare: null,
    readyBeforeSlotShare: null,
    noShowShare: null,
    cancellationShare: null,
    returnsRate: null,
  }
}

function addOrderSums(row: InsightRow, sums: OrderSumsRow): void {
  row.ordersPlaced += sums.orders_placed
  row.posSales += sums.pos_sales
  row.crossDeviceOrders += sums.cross_device
  row.ready += sums.ready
  row.readyBeforeSlot += sums.ready_before_slot
  row.collected += sums.collected
  row.noShows += sums.expired
  row.cancellations += sums.cancelled
  row.returnedOrders += sums.returned
  let currency = row.currencies.find((figure) => figure.currencyCode === sums.currency_code)
  if (!currency) {
    currency = { currencyCode: sums.currency_code, baskets: 0, basketMinor: 0, revenueMinor: 0 }
    row.currencies.push(currency)
  }
  currency.baskets += sums.orders_placed + sums.pos_sales
  currency.basketMinor += Number(sums.basket_minor)
  currency.revenueMinor += Number(sums.revenue_minor)
  const revenueMinor = Number(sums.revenue_minor)
  if (revenueMinor === 0) return
  const byChannel = row.revenueByChannel.find(
    (entry) => entry.channel === sums.channel && entry.currencyCode === sums.currency_code,
  )
  if (byChannel) byChannel.amountMinor += revenueMinor
  else row.revenueByChannel.push({ channel: sums.channel, currencyCode: sums.currency_code, amountMinor: revenueMinor })
}

function withRatios(row: InsightRow): InsightRow {
  row.currencies.sort((a, b) => a.currencyCode.localeCompare(b.currencyCode))
  row.revenueByChannel.sort(
    (a, b) =>
      CHANNELS.indexOf(a.channel as (typeof CHANNELS)[number]) -
        CHANNELS.indexOf(b.channel as (typeof CHANNELS)[number]) || a.currencyCode.localeCompare(b.currencyCode),
  )
  return {
    ...row,
    conversion: share(row.ordersPlaced, row.cartsStarted),
    crossDeviceShare: share(row.crossDeviceOrders, row.ordersPlaced),
    readyBeforeSlotShare: share(row.readyBeforeSlot, row.ready),
    noShowShare: share(row.noShows, row.ordersPlaced),
    cancellationShare: share(row.cancellations, row.ordersPlaced),
    returnsRate: share(row.returnedOrders, row.collected),
  }
}

/** A ratio, null when there is nothing to divide by (no carts, no orders): never a made-up 0. */
function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole
}

/** The average basket in one currency, in whole minor units (rounded half up). */
export function averageBasketMinor(figure: CurrencyFigure): number | null {
  return figure.baskets === 0 ? null : Math.round(figure.basketMinor / figure.baskets)
}

function compareRows(a: InsightRow, b: InsightRow): number {
  if (a.channel !== null || b.channel !== null) {
    return (
      CHANNELS.indexOf(a.channel as (typeof CHANNELS)[number]) -
      CHANNELS.indexOf(b.channel as (typeof CHANNELS)[number])
    )
  }
  const keyA = a.period ?? a.storeId
  const keyB = b.period ?? b.storeId
  if (keyA === keyB) return 0
  if (keyA === null) return 1
  if (keyB === null) return -1
  return keyA < keyB ? -1 : 1
}
