import { CHANNELS } from '../carts/cart.js'
import { averageBasketMinor, type InsightRow } from './insight-report.js'

const HEADER = [
  'group_by',
  'period',
  'store_id',
  'store_code',
  'channel',
  'carts_started',
  'orders_placed',
  'pos_sales',
  'conversion',
  'cross_device_orders',
  'cross_device_share',
  'placed_to_ready_samples',
  'placed_to_ready_p50_s',
  'placed_to_ready_p90_s',
  'ready_orders',
  'ready_before_slot_share',
  'counter_wait_samples',
  'counter_wait_p50_s',
  'counter_wait_p90_s',
  'no_shows',
  'no_show_share',
  'cancellations',
  'cancellation_share',
  'collected_orders',
  'returned_orders',
  'returns_rate',
  'currency',
  'average_basket_minor',
  'revenue_minor',
  ...CHANNELS.map((channel) => `revenue_${channel.toLowerCase()}_minor`),
]

/**
 * The report as CSV (RFC 4180, CRLF): a line per row and currency, so that money never adds
 * across currencies; a row without orders has one line with the money columns empty. The count
 * columns are the row's and repeat on each of its currency lines. Ratios are fractions (0.25).
 */
export function insightsCsv(rows: readonly InsightRow[], storeCodes: ReadonlyMap<string, string>): string {
  const lines = [HEADER.join(',')]
  for (const row of rows) {
    const common = [
      row.groupBy,
      row.period,
      row.storeId,
      row.storeId === null ? null : (storeCodes.get(row.storeId) ?? null),
      row.channel,
      row.cartsStarted,
      row.ordersPlaced,
      row.posSales,
      row.conversion,
      row.crossDeviceOrders,
      row.crossDeviceShare,
      row.placedToReady.samples,
      row.placedToReady.p50Seconds,
      row.placedToReady.p90Seconds,
      row.ready,
      row.readyBeforeSlotShare,
      row.counterWait.samples,
      row.counterWait.p50Seconds,
      row.counterWait.p90Seconds,
      row.noShows,
      row.noShowShare,
      row.cancellations,
      row.cancellationShare,
      row.collected,
      row.returnedOrders,
      row.returnsRate,
    ]
    const currencies = row.currencies.length === 0 ? [null] : row.currencies
    for (const currency of currencies) {
      const money =
        currency === null
          ? [null, null, null, ...CHANNELS.map(() => null)]
          : [
              currency.currencyCode,
              averageBasketMinor(currency),
              currency.revenueMinor,
              ...CHANNELS.map(
                (channel) =>
                  row.revenueByChannel.find(
                    (entry) => entry.channel === channel && entry.currencyCode === currency.currencyCode,
                  )?.amountMinor ?? 0,
              ),
            ]
      lines.push([...common, ...money].map(cell).join(','))
    }
  }
  return `${lines.join('\r\n')}\r\n`
}

function cell(value: string | number | null): string {
  if (value === null) return ''
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}
