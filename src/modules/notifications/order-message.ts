import type { OrderMessageKind, OrderStatus } from '../../db/database.js'
import type { Locale } from '../shared/locale.js'
import { escapeHtml, formatDateTime, formatMoney, formatShortDateTime, formatSlot } from './message-format.js'
import type { NotificationMessage, TextMessage } from './notification-provider.js'

/** What an order message says, gathered when it is sent. Times are UTC instants. */
export interface OrderMessageFacts {
  orderNumber: string
  status: OrderStatus
  pickupSlotStart: Date | null
  pickupSlotEnd: Date | null
  holdUntil: Date | null
  totalMinor: number
  currencyCode: string
  /** Paid online already, or to be paid at the counter. */
  paidOnline: boolean
  store: { name: string; addressLine1: string; postalCode: string; city: string; timeZone: string }
}

/** The facts as the shopper reads them, in their language: dates in the store's zone, money in the order's currency. */
export interface OrderMessageView {
  orderNumber: string
  storeName: string
  storeAddress: string
  slot: string | null
  heldUntil: string | null
  heldUntilShort: string | null
  total: string
  paidOnline: boolean
  expired: boolean
}

/** One message in one language: the email's parts and the short text of an SMS. */
export interface OrderMessageContent {
  subject: string
  paragraphs: string[]
  details: [label: string, value: string][]
  closing: string
  sms: string
}

/** A message kind's wording: both languages side by side, in the kind's own file. */
export type OrderMessageTemplate = Record<Locale, (view: OrderMessageView) => OrderMessageContent>

export function orderMessageView(facts: OrderMessageFacts, locale: Locale): OrderMessageView {
  const { store } = facts
  return {
    orderNumber: facts.orderNumber,
    storeName: store.name,
    storeAddress: `${store.addressLine1}, ${store.postalCode} ${store.city}`,
    slot: facts.pickupSlotStart ? formatSlot(facts.pickupSlotStart, facts.pickupSlotEnd, store.timeZone, locale) : null,
    heldUntil: facts.holdUntil ? formatDateTime(facts.holdUntil, store.timeZone, locale) : null,
    heldUntilShort: facts.holdUntil ? formatShortDateTime(facts.holdUntil, store.timeZone, locale) : null,
    total: formatMoney(facts.totalMinor, facts.currencyCode, locale),
    paidOnline: facts.paidOnline,
    expired: facts.status === 'EXPIRED',
  }
}

/** The labels of an order's details, shared by every kind. */
export const DETAIL_LABELS: Record<
  Locale,
  { order: string; pickup: string; store: string; heldUntil: string; total: string }
> = {
  en: { order: 'Order', pickup: 'Pickup', store: 'Store', heldUntil: 'Held until', total: 'Total' },
  fr: { order: 'Commande', pickup: 'Retrait', store: 'Magasin', heldUntil: 'Conservée jusqu’au', total: 'Total' },
}

/** The details rows a template picks from, leaving out what the order does not have. */
export function detailRows(
  view: OrderMessageView,
  locale: Locale,
  pick: readonly ('order' | 'pickup' | 'store' | 'heldUntil' | 'total')[],
): [string, string][] {
  const labels = DETAIL_LABELS[locale]
  const values = {
    order: view.orderNumber,
    pickup: view.slot,
    store: `${view.storeName}, ${view.storeAddress}`,
    heldUntil: view.heldUntil,
    total: view.total,
  }
  return pick.flatMap((key) => {
    const value = values[key]
    return value === null ? [] : [[labels[key], value] as [string, string]]
  })
}

/** Plain text and simple HTML saying the same thing; only the HTML is escaped. */
export function renderOrderEmail(
  content: OrderMessageContent,
  address: { id: string; to: string; greeting: string },
): NotificationMessage {
  const text = [
    address.greeting,
    '',
    ...content.paragraphs.flatMap((paragraph) => [paragraph, '']),
    ...content.details.map(([label, value]) => `${label}: ${value}`),
    '',
    content.closing,
  ].join('\n')
  const html = [
    `<p>${escapeHtml(address.greeting)}</p>`,
    ...content.paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    '<table>',
    ...content.details.map(
      ([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    ),
    '</table>',
    `<p>${escapeHtml(content.closing)}</p>`,
  ].join('\n')
  return { id: address.id, to: address.to, subject: content.subject, text, html }
}

export function renderOrderText(content: OrderMessageContent, address: { id: string; to: string }): TextMessage {
  return { id: address.id, to: address.to, text: content.sms }
}

export const GREETING: Record<Locale, string> = { en: 'Hello,', fr: 'Bonjour,' }

export type { OrderMessageKind }
