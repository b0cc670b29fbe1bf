import { describe, expect, it } from 'vitest'
import type { OrderMessageKind } from '../../db/database.js'
import { escapeHtml, formatMoney } from './message-format.js'
import type { OrderMessageFacts } from './order-message.js'
import { renderOrderEmailMessage, renderOrderTextMessage } from './order-message-templates.js'

const facts: OrderMessageFacts = {
  orderNumber: '0042',
  status: 'READY_FOR_PICKUP',
  pickupSlotStart: new Date('2026-11-24T09:00:00Z'),
  pickupSlotEnd: new Date('2026-11-24T09:30:00Z'),
  holdUntil: new Date('2026-11-27T08:00:00Z'),
  totalMinor: 123456,
  currencyCode: 'EUR',
  paidOnline: false,
  store: {
    name: 'Comptoir Rivoli',
    addressLine1: '112 Rue de Rivoli',
    postalCode: '75001',
    city: 'Paris',
    timeZone: 'Europe/Paris',
  },
}
const to = { id: '6f1c2b9e-0000-4000-8000-000000000001', to: 'shopper@example.com' }
const KINDS: OrderMessageKind[] = ['ORDER_PLACED', 'ORDER_READY', 'ORDER_REMINDER', 'ORDER_CANCELLED']
/** Intl separates groups and units with no-break spaces; the tests read them as plain ones. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ')

describe('the order ready message', () => {
  it('gives the slot and hold in the store’s time zone, the address, and what to bring', () => {
    const message = renderOrderEmailMessage(facts, { ...to, kind: 'ORDER_READY', locale: 'en' })
    expect(message.id).toBe(to.id)
    expect(message.to).toBe('shopper@example.com')
    expect(message.subject).toBe('Order 0042 is ready for pickup at Comptoir Rivoli')
    // 09:00 UTC is 10:00 in Paris in November (CET, UTC+1).
    expect(message.text).toContain('Pickup: Tuesday, 24 November 2026, 10:00–10:30 CET')
    expect(message.text).toContain('Store: Comptoir Rivoli, 112 Rue de Rivoli, 75001 Paris')
    expect(message.text).toContain('Held until: Friday, 27 November 2026 at 09:00')
    expect(message.text).toContain('pickup code')
    expect(message.html).toContain('<td>Tuesday, 24 November 2026, 10:00–10:30 CET</td>')
  })

  it('says the same in French, with French dates', () => {
    const message = renderOrderEmailMessage(facts, { ...to, kind: 'ORDER_READY', locale: 'fr' })
    expect(message.subject).toBe('Votre commande 0042 est prête au magasin Comptoir Rivoli')
    expect(message.text).toMatch(/^Bonjour,/)
    expect(plain(message.text)).toContain('Retrait: mardi 24 novembre 2026, 10:00–10:30 UTC+1')
    expect(plain(message.text)).toContain('Conservée jusqu’au: vendredi 27 novembre 2026 à 09:00')
    expect(message.text).toContain('code de retrait')
  })

  it('follows the store’s zone, not the server’s: the same instant in New York', () => {
    const store = { ...facts.store, timeZone: 'America/New_York' }
    const message = renderOrderEmailMessage({ ...facts, store }, { ...to, kind: 'ORDER_READY', locale: 'en' })
    expect(message.text).toContain('Pickup: Tuesday, 24 November 2026, 04:00–04:30 GMT-5')
  })

  it('escapes whatever comes from the store record in the HTML, and only there', () => {
    const store = { ...facts.store, name: 'Tom & <b>"Jerry\'s"</b>' }
    const message = renderOrderEmailMessage({ ...facts, store }, { ...to, kind: 'ORDER_READY', locale: 'en' })
    expect(message.html).not.toContain('<b>')
    expect(message.html).toContain('Tom &amp; &lt;b&gt;&quot;Jerry&#39;s&quot;&lt;/b&gt;')
    expect(message.text).toContain('at Tom & <b>"Jerry\'s"</b>.')
    expect(escapeHtml('a<b>&c')).toBe('a&lt;b&gt;&amp;c')
  })
})

describe('every order message', () => {
  it.each(KINDS)('%s has an English and a French email and text, each naming the order and the store', (kind) => {
    const texts = (['en', 'fr'] as const).map((locale) => {
      const email = renderOrderEmailMessage(facts, { ...to, kind, locale })
      const sms = renderOrderTextMessage(facts, { ...to, to: '+33612345678', kind, locale })
      for (const part of [email.subject, email.text, email.html, sms.text]) expect(part).toContain('0042')
      expect(sms.text).toContain('Comptoir Rivoli')
      expect(sms.to).toBe('+33612345678')
      expect(sms.text.length).toBeLessThanOrEqual(200)
      return email.text
    })
    expect(texts[0]).not.toBe(texts[1])
    expect(texts[0]).toMatch(/^Hello,/)
    expect(texts[1]).toMatch(/^Bonjour,/)
  })

  it('confirms with the total in the order’s currency, written the shopper’s way', () => {
    const en = renderOrderEmailMessage(facts, { ...to, kind: 'ORDER_PLACED', locale: 'en' })
    const fr = renderOrderEmailMessage(facts, { ...to, kind: 'ORDER_PLACED', locale: 'fr' })
    expect(en.text).toContain('Total: €1,234.56')
    expect(plain(fr.text)).toContain('Total: 1 234,56 €')
    expect(en.text).toContain('You pay at the counter')
    const online = renderOrderEmailMessage(
      { ...facts, paidOnline: true },
      { ...to, kind: 'ORDER_PLACED', locale: 'fr' },
    )
    expect(online.text).toContain('Votre paiement est autorisé')
  })

  it('says an expired order was not collected in time, and a cancelled one only that it is cancelled', () => {
    const expired = { ...facts, status: 'EXPIRED' as const }
    const cancelled = { ...facts, status: 'CANCELLED' as const }
    expect(renderOrderEmailMessage(expired, { ...to, kind: 'ORDER_CANCELLED', locale: 'en' }).subject).toBe(
      'Order 0042 was not collected and is cancelled',
    )
    expect(renderOrderEmailMessage(cancelled, { ...to, kind: 'ORDER_CANCELLED', locale: 'fr' }).subject).toBe(
      'Commande 0042 annulée',
    )
    expect(renderOrderTextMessage(expired, { ...to, kind: 'ORDER_CANCELLED', locale: 'fr' }).text).toContain(
      'non retirée à temps',
    )
  })

  it('formats money with the currency’s own decimals', () => {
    expect(formatMoney(1290, 'JPY', 'en')).toBe('JP¥1,290')
    expect(plain(formatMoney(1290, 'EUR', 'fr'))).toBe('12,90 €')
    expect(formatMoney(1290, 'GBP', 'en')).toBe('£12.90')
  })
})
