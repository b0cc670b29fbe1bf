import { escapeHtml } from './message-format.js'
import type { NotificationMessage } from './notification-provider.js'

/** What a password link message says, gathered when it is sent. */
export interface StaffLinkFacts {
  notificationId: string
  recipient: string
  name: string
  purpose: 'INVITE' | 'RESET'
  /** The page that sets the password, with the token in its fragment (never sent to a server by a browser). */
  link: string
  expiresAt: Date
}

export function renderStaffLinkMessage(facts: StaffLinkFacts): NotificationMessage {
  const until = `${facts.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`
  const intro =
    facts.purpose === 'INVITE'
      ? 'You have been given a Comptoir staff account. Choose your password to sign in:'
      : 'Someone asked to reset the password of your Comptoir staff account. To choose a new one:'
  const after =
    facts.purpose === 'INVITE'
      ? `The link works once, until ${until}.`
      : `The link works once, until ${until}. If you did not ask, ignore this message: your password stays as it is.`
  const text = [`Hello ${facts.name},`, '', intro, '', facts.link, '', after].join('\n')
  const html = [
    `<p>Hello ${escapeHtml(facts.name)},</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    `<p><a href="${escapeHtml(facts.link)}">${escapeHtml(facts.link)}</a></p>`,
    `<p>${escapeHtml(after)}</p>`,
  ].join('\n')
  return {
    id: facts.notificationId,
    to: facts.recipient,
    subject: facts.purpose === 'INVITE' ? 'Your Comptoir staff account' : 'Reset your Comptoir password',
    text,
    html,
  }
}
