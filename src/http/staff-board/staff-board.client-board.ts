/**
 * Board script, part 4: the open board, following the store's queue live and refetching it on
 * each burst of events. Plain browser JavaScript in a template literal: no backticks and no
 * dollar-brace in here.
 */
// biome-ignore lint/complexity/noUselessStringRaw: every part is raw, so a backslash added later reaches the browser as typed
export const BOARD_CLIENT_BOARD = String.raw`
function openBoard(store) {
  stopBoard()
  state.store = store
  show('board-view')
  setLive('Connecting…', true)
  refreshQueue()
  state.live = watchStoreQueue(store.id, () => state.session.token, {
    onOpen: () => {
      setLive('Live', false)
      refreshQueue()
    },
    onEvent: scheduleRefresh,
    onDown: (problem) => {
      setLive('Reconnecting…', true)
      byId('live-status').title = problem
    },
    onAuthError: (error) => signOut(error.message),
  })
  // Late flags and waiting times move with the clock, not only with events.
  state.refreshTimer = setInterval(refreshQueue, 60000)
}

/** Events come in bursts (a checkout, a hand-over): one refetch for each burst. */
function scheduleRefresh() {
  if (state.coalesce) return
  state.coalesce = setTimeout(() => {
    state.coalesce = null
    refreshQueue()
  }, 200)
}

async function refreshQueue() {
  const store = state.store
  if (!store) return
  const run = ++state.queueRun
  try {
    const data = await gql(QUERIES.queue, { storeId: store.id }, state.session.token)
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

function renderBoard(force) {
  const signature = JSON.stringify(state.orders)
  if (!force && signature === state.signature) return
  state.signature = signature
  renderQueue(byId('queue'), state.orders, state.store.timeZone, uiOf, actions)
}

async function togglePickList() {
  state.pickListOpen = !state.pickListOpen
  byId('pick-list').hidden = !state.pickListOpen
  byId('pick-list-toggle').setAttribute('aria-expanded', String(state.pickListOpen))
  if (state.pickListOpen) await refreshPickList()
}

async function refreshPickList() {
  const store = state.store
  try {
    const data = await gql(QUERIES.pickList, { storeId: store.id }, state.session.token)
    if (state.store === store && state.pickListOpen) renderPickList(byId('pick-list'), data.pickList, store.timeZone)
  } catch (error) {
    handleFailure(error, byId('board-error'))
  }
}
`
