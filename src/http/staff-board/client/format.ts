import { t } from './i18n.js'
import type { Money, Order } from './types.js'

/** Money, times and amounts as a person at the counter reads and types them, in the board's language. */

export function formatMoney(money: Money): string {
  try {
    return new Intl.NumberFormat(t.intl, { style: 'currency', currency: money.currencyCode }).format(
      Number(money.amount),
    )
  } catch {
    return `${money.amount} ${money.currencyCode}`
  }
}

export function timeFormat(timeZone: string, withDay: boolean): Intl.DateTimeFormat {
  const options: Intl.DateTimeFormatOptions = withDay
    ? { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }
    : { timeZone, hour: '2-digit', minute: '2-digit' }
  return new Intl.DateTimeFormat(t.intl, options)
}

/** "Tue 24 Nov, 09:00–09:15" in the store's time zone. */
export function slotLabel(order: Order, timeZone: string): string {
  if (!order.pickupSlotStart) return t.noPickupSlot
  const start = timeFormat(timeZone, true).format(new Date(order.pickupSlotStart))
  const end = order.pickupSlotEnd ? `–${timeFormat(timeZone, false).format(new Date(order.pickupSlotEnd))}` : ''
  return start + end
}

function currencyDigits(currencyCode: string): number {
  const { maximumFractionDigits } = new Intl.NumberFormat('en', {
    style: 'currency',
    currency: currencyCode,
  }).resolvedOptions()
  // Always set for a currency format; the lib's type allows its absence, which would mean cents.
  return maximumFractionDigits ?? 2
}

/** "20,5" or "20.50" → minor units in the currency's own digits; null when it is not an amount. */
export function toMinorUnits(text: string, currencyCode: string): number | null {
  const digits = currencyDigits(currencyCode)
  const match = /^(\d+)(?:[.,](\d*))?$/.exec(String(text).trim())
  if (!match || (match[2] || '').length > digits) return null
  return Number(match[1]) * 10 ** digits + Number((match[2] || '').padEnd(digits, '0') || '0')
}

/** ", change due €9.50" when the cash given exceeds the total; empty otherwise. */
export function changeDue(order: Order, cash: string): string {
  const currencyCode = order.total.currencyCode
  const given = toMinorUnits(cash, currencyCode)
  const due = toMinorUnits(order.total.amount, currencyCode)
  if (given === null || due === null || given <= due) return ''
  const digits = currencyDigits(currencyCode)
  return t.changeDue(formatMoney({ amount: ((given - due) / 10 ** digits).toFixed(digits), currencyCode }))
}
