import { describe, expect, it } from 'vitest'
import { escapeHtml, type OrderReadyFacts, renderOrderReadyMessage } from './order-ready-message.js'

const facts: OrderReadyFacts = {
  notificationId: '6f1c2b9e-0000-4000-8000-000000000001',
  recipient: 'shopper@example.com',
  orderNumber: '0042',
  pickupSlotStart: new Date('2026-11-24T09:00:00Z'),
  pickupSlotEnd: new Date('2026-11-24T09:30:00Z'),
  holdUntil: new Date('2026-11-27T08:00:00Z'),
  store: {
    name: 'Comptoir Rivoli',
    addressLine1: '112 Rue de Rivoli',
    postalCode: '75001',
    city: 'Paris',
    timeZone: 'Europe/Paris',
  },
}

describe('the order ready message', () => {
  it('gives the slot and hold in the store’s time zone, the address, and what to bring', () => {
    const message = renderOrderReadyMessage(facts)
    expect(message.id).toBe(facts.notificationId)
    expect(message.to).toBe('shopper@example.com')
    expect(message.subject).toBe('Order 0042 is ready for pickup at Comptoir Rivoli')
    // 09:00 UTC is 10:00 in Paris in November (CET, UTC+1).
    expect(message.text).toContain('Pickup: Tuesday, 24 November 2026, 10:00–10:30 CET')
    expect(message.text).toContain('Store: Comptoir Rivoli, 112 Rue de Rivoli, 75001 Paris')
    expect(message.text).toContain('Held until: Friday, 27 November 2026 at 09:00')
    expect(message.text).toContain('pickup code')
    expect(message.html).toContain('<td>Tuesday, 24 November 2026, 10:00–10:30 CET</td>')
  })

  it('follows the store’s zone, not the server’s: the same instant in New York', () => {
    const message = renderOrderReadyMessage({ ...facts, store: { ...facts.store, timeZone: 'America/New_York' } })
    expect(message.text).toContain('Pickup: Tuesday, 24 November 2026, 04:00–04:30 GMT-5')
  })

  it('escapes whatever comes from the store record in the HTML, and only there', () => {
    const store = { ...facts.store, name: 'Tom & <b>"Jerry\'s"</b>' }
    const message = renderOrderReadyMessage({ ...facts, store })
    expect(message.html).not.toContain('<b>')
    expect(message.html).toContain('Tom &amp; &lt;b&gt;&quot;Jerry&#39;s&quot;&lt;/b&gt;')
    expect(message.text).toContain('at Tom & <b>"Jerry\'s"</b>.')
    expect(escapeHtml('a<b>&c')).toBe('a&lt;b&gt;&amp;c')
  })
})
