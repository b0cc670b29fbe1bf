import type { Locale } from '../shared/locale.js'
import { currencyExponent } from '../shared/money.js'

/** The Intl locale each language is written with: European conventions (24-hour clock, day first). */
const INTL_LOCALE: Record<Locale, string> = { en: 'en-GB', fr: 'fr-FR' }

/** 1290 EUR → "€12.90" (en) or "12,90 €" (fr); the currency's own number of decimals. */
export function formatMoney(amountMinor: number, currencyCode: string, locale: Locale): string {
  const digits = currencyExponent(currencyCode)
  return new Intl.NumberFormat(INTL_LOCALE[locale], {
    style: 'currency',
    currency: currencyCode,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(amountMinor / 10 ** digits)
}

/** "Tuesday, 24 November 2026, 10:00–10:30 CET": the slot in the store's own time zone. */
export function formatSlot(start: Date, end: Date | null, timeZone: string, locale: Locale): string {
  const tag = INTL_LOCALE[locale]
  const time = new Intl.DateTimeFormat(tag, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  const day = new Intl.DateTimeFormat(tag, { timeZone, dateStyle: 'full' })
  const zone = new Intl.DateTimeFormat(tag, { timeZone, timeZoneName: 'short' })
    .formatToParts(start)
    .find((part) => part.type === 'timeZoneName')?.value
  const range = end ? `${time.format(start)}–${time.format(end)}` : time.format(start)
  return `${day.format(start)}, ${range}${zone ? ` ${zone}` : ''}`
}

/** A day and a time in the store's time zone. */
export function formatDateTime(at: Date, timeZone: string, locale: Locale): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { timeZone, dateStyle: 'full', timeStyle: 'short' }).format(at)
}

/** A short day and time for a text message: "Fri 27 Nov, 09:00". */
export function formatShortDateTime(at: Date, timeZone: string, locale: Locale): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at)
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character)
}
