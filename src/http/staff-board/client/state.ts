import { byId } from './dom.js'
import type { QueueWatch } from './live-queue.js'
import type { Order, OrderUi, Session, Staff, Store } from './types.js'

/** The board's state in this tab: who is signed in, which store is open, and what its queue shows. */
interface BoardState {
  session: Session | null
  staff: Staff | null
  store: Store | null
  orders: Order[]
  ui: Map<string, OrderUi>
  /** The queue as last drawn, so an unchanged refetch draws nothing (and keeps what is being typed). */
  signature: string
  /** Bumped by every refetch and by closing the board, so a late answer is dropped. */
  queueRun: number
  live: QueueWatch | null
  refreshTimer: number | undefined
  coalesce: number | undefined
  expiryTimer: number | undefined
  noticeTimer: number | undefined
  pickListOpen: boolean
}

export const state: BoardState = {
  session: null,
  staff: null,
  store: null,
  orders: [],
  ui: new Map(),
  signature: '',
  queueRun: 0,
  live: null,
  refreshTimer: undefined,
  coalesce: undefined,
  expiryTimer: undefined,
  noticeTimer: undefined,
  pickListOpen: false,
}

export function uiOf(orderId: string): OrderUi {
  let ui = state.ui.get(orderId)
  if (!ui) {
    ui = { open: false, busy: false, error: '', code: '' }
    state.ui.set(orderId, ui)
  }
  return ui
}

/** The token of the moment: the board renews it while it runs. */
export function currentToken(): string | null {
  return state.session?.token ?? null
}

/** Closes the open board: no stream, no timers, nothing of its store left on screen. */
export function stopBoard(): void {
  if (state.live) state.live.stop()
  clearInterval(state.refreshTimer)
  clearTimeout(state.coalesce)
  Object.assign(state, { live: null, coalesce: undefined, store: null, orders: [], signature: '', pickListOpen: false })
  state.ui.clear()
  state.queueRun += 1
  for (const id of ['queue', 'pick-list']) byId(id).replaceChildren()
  byId('pick-list').hidden = true
  byId('pick-list-toggle').setAttribute('aria-expanded', 'false')
  byId('board-error').textContent = ''
}
