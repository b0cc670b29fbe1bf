import type { NotificationMessage } from './notification-provider.js'

/** What an "order ready" message says, gathered when it is sent. Times are UTC instants. */
export interface OrderReadyFacts {
  notificationId: string
  recipient: string
  orderNumber: string
  pickupSlotStart: Date | null
  pickupSlotEnd: Date | null
  holdUntil: Date | null
  store: { name: string; addressLine1: string; postalCode: string; city: string; timeZone: string }
}

/** Plain text and simple HTML saying the same thing; times in the store's own time zone. */
export function renderOrderReadyMessage(facts: OrderReadyFacts): NotificationMessage {
  const { store } = facts
  const address = `${store.addressLine1}, ${store.postalCode} ${store.city}`
  const slot = facts.pickupSlotStart ? formatSlot(facts.pickupSlotStart, facts.pickupSlotEnd, store.timeZone) : null
  const heldUntil = facts.holdUntil ? formatDateTime(facts.holdUntil, store.timeZone) : null
  const intro = `Your order ${facts.orderNumber} is ready for pickup at ${store.name}.`
  const bring = 'Bring your 6-digit pickup code, or show the pickup pass (QR code) in the app, at the counter.'
  const details: [string, string][] = [
    ['Order', facts.orderNumber],
    ...(slot ? ([['Pickup', slot]] as [string, string][]) : []),
    ['Store', `${store.name}, ${address}`],
    ...(heldUntil ? ([['Held until', heldUntil]] as [string, string][]) : []),
  ]
  const text = [
    'Hello,',
    '',
    intro,
    '',
    ...details.map(([label, value]) => `${label}: ${value}`),
    '',
    bring,
    '',
    `See you soon at ${store.name}.`,
  ].join('\n')
  const html = [
    `<p>Hello,</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    '<table>',
    ...details.map(
      ([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    ),
    '</table>',
    `<p>${escapeHtml(bring)}</p>`,
    `<p>See you soon at ${escapeHtml(store.name)}.</p>`,
  ].join('\n')
  return {
    id: facts.notificationId,
    to: facts.recipient,
    subject: `Order ${facts.orderNumber} is ready for pickup at ${store.name}`,
    text,
    html,
  }
}

function formatSlot(start: Date, end: Date | null, timeZone: string): string {
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  const day = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'full' })
  const zone = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' })
    .formatToParts(start)
    .find((part) => part.type === 'timeZoneName')?.value
  const range = end ? `${time.format(start)}–${time.format(end)}` : time.format(start)
  return `${day.format(start)}, ${range}${zone ? ` ${zone}` : ''}`
}

function formatDateTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'full', timeStyle: 'short' }).format(at)
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character)
}
