import { formatMinorUnits } from '../shared/money.js'
import { escapeHtml } from './message-format.js'
import type { NotificationMessage } from './notification-provider.js'

/** What an e-gift card's message says, gathered when it is sent. */
export interface GiftCardFacts {
  notificationId: string
  recipient: string
  code: string
  amountMinor: number
  currencyCode: string
  /** The buyer's words to the recipient, if any. */
  message: string | null
}

export function renderGiftCardMessage(facts: GiftCardFacts): NotificationMessage {
  const amount = `${formatMinorUnits({ amountMinor: facts.amountMinor, currencyCode: facts.currencyCode })} ${facts.currencyCode}`
  const intro = `You have been given a Comptoir gift card worth ${amount}.`
  const use =
    'Give this code at checkout online or at the counter of any of our stores. Keep it safe: whoever holds it can spend it.'
  const text = [intro, ...(facts.message ? ['', facts.message] : []), '', `Your code: ${facts.code}`, '', use].join(
    '\n',
  )
  const html = [
    `<p>${escapeHtml(intro)}</p>`,
    ...(facts.message ? [`<blockquote>${escapeHtml(facts.message)}</blockquote>`] : []),
    `<p>Your code: <strong>${escapeHtml(facts.code)}</strong></p>`,
    `<p>${escapeHtml(use)}</p>`,
  ].join('\n')
  return { id: facts.notificationId, to: facts.recipient, subject: 'Your Comptoir gift card', text, html }
}
