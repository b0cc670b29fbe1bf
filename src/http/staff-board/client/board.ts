import { byId } from './dom.js'
import { gql } from './graphql.js'
import { t } from './i18n.js'
import { watchStoreQueue } from './live-queue.js'
import { createOrderActions } from './order-actions.js'
import { renderPickList, renderQueue } from './render.js'
import { handleFailure, signOut } from './session.js'
import { currentToken, state, stopBoard, uiOf } from './state.js'
import type { Store } from './types.js'
import { setLive, show } from './view.js'

/** The open board: it follows the store's queue live and refetches it on each burst of events. */

const actions = createOrderActions({ render: renderBoard, refresh: refreshQueue })

export function openBoard(store: Store): void {
  stopBoard()
  state.store = store
  show('board-view')
  setLive(t.connecting, true)
  refreshQueue()
  state.live = watchStoreQueue(store.id, currentToken, {
    onOpen: () => {
      setLive(t.live, false)
      refreshQueue()
    },
    onEvent: scheduleRefresh,
    onDown: (problem) => {
      setLive(t.reconnecting, true)
      byId('live-status').title = problem
    },
    onAuthError: (error) => signOut(error.message),
  })
  // Late flags and waiting times move with the clock, not only with events.
  state.refreshTimer = setInterval(refreshQueue, 60000)
}

/** Events come in bursts (a checkout, a hand-over): one refetch for each burst. */
function scheduleRefresh(): void {
  if (state.coalesce) return
  state.coalesce = setTimeout(() => {
    state.coalesce = undefined
    refreshQueue()
  }, 200)
}

async function refreshQueue(): Promise<void> {
  const store = state.store
  if (!store) return
  const run = ++state.queueRun
  try {
    const data = await gql('queue', { storeId: store.id }, currentToken())
    if (run !== state.queueRun) return
    byId('board-error').textContent = ''
    state.orders = data.storeOrders.edges.map((edge) => edge.node)
    for (const id of [...state.ui.keys()]) if (!state.orders.some((order) => order.id === id)) state.ui.delete(id)
    renderBoard(false)
    if (state.pickListOpen) refreshPickList()
  } catch (error) {
    if (run === state.queueRun) handleFailure(error, byId('board-error'))
  }
}

function renderBoard(force: boolean): void {
  const store = state.store
  if (!store) return
  const signature = JSON.stringify(state.orders)
  if (!force && signature === state.signature) return
  state.signature = signature
  renderQueue(byId('queue'), state.orders, store.timeZone, uiOf, actions)
}

export async function togglePickList(): Promise<void> {
  state.pickListOpen = !state.pickListOpen
  byId('pick-list').hidden = !state.pickListOpen
  byId('pick-list-toggle').setAttribute('aria-expanded', String(state.pickListOpen))
  if (state.pickListOpen) await refreshPickList()
}

async function refreshPickList(): Promise<void> {
  const store = state.store
  if (!store) return
  try {
    const data = await gql('pickList', { storeId: store.id }, currentToken())
    if (state.store === store && state.pickListOpen) renderPickList(byId('pick-list'), data.pickList, store.timeZone)
  } catch (error) {
    handleFailure(error, byId('board-error'))
  }
}
