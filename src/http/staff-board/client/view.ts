import { byId } from './dom.js'
import { t } from './i18n.js'
import { state } from './state.js'
import type { UserError } from './types.js'

/** Which of the page's views shows, and the header and status lines around it. */

export type View = 'sign-in-view' | 'set-password-view' | 'store-view' | 'board-view'

export function show(view: View): void {
  for (const id of ['sign-in-view', 'set-password-view', 'store-view', 'board-view']) byId(id).hidden = id !== view
  const staff = view === 'store-view' || view === 'board-view' ? state.staff : null
  byId('sign-out').hidden = !staff
  byId('change-store').hidden = !(view === 'board-view' && staff && staff.stores.length !== 1)
  byId('staff-name').textContent = staff ? staff.name : ''
  byId('store-name').textContent = view === 'board-view' && state.store ? state.store.name : ''
  byId('live-status').hidden = view !== 'board-view'
}

export function setLive(text: string, down: boolean): void {
  byId('live-status').textContent = text
  byId('live-status').title = ''
  byId('live-status').classList.toggle('down', down)
}

/** A passing message (a hand-over done): it clears itself after a while. */
export function notice(text: string): void {
  clearTimeout(state.noticeTimer)
  byId('notice').textContent = text
  state.noticeTimer = setTimeout(() => {
    byId('notice').textContent = ''
  }, 15000)
}

/** The API's refusals in the board's language when the dictionary has their code, else as the API wrote them. */
export const messageOf = (userErrors: UserError[]): string =>
  userErrors.map((error) => t.userErrors[error.code] ?? error.message).join(' ')
