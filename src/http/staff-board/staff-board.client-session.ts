/**
 * Board script, part 3: the state, and the way in: sign in, the staff member's store or an admin's
 * choice, sign out. Plain browser JavaScript in a template literal: no backticks and no
 * dollar-brace in here.
 */
// biome-ignore lint/complexity/noUselessStringRaw: every part is raw, so a backslash added later reaches the browser as typed
export const BOARD_CLIENT_SESSION = String.raw`
const byId = (id) => document.getElementById(id)
const state = {
  session: null, staff: null, store: null, orders: [], ui: new Map(), signature: '', queueRun: 0,
  live: null, refreshTimer: null, coalesce: null, expiryTimer: null, noticeTimer: null, pickListOpen: false,
}

function uiOf(orderId) {
  if (!state.ui.has(orderId)) state.ui.set(orderId, { open: false, busy: false, error: '', code: '' })
  return state.ui.get(orderId)
}

function show(view) {
  for (const id of ['sign-in-view', 'store-view', 'board-view']) byId(id).hidden = id !== view
  const signedIn = view !== 'sign-in-view' && state.staff !== null
  byId('sign-out').hidden = !signedIn
  byId('change-store').hidden = !(view === 'board-view' && signedIn && !state.staff.store)
  byId('staff-name').textContent = signedIn ? state.staff.name : ''
  byId('store-name').textContent = view === 'board-view' && state.store ? state.store.name : ''
  byId('live-status').hidden = view !== 'board-view'
}

function setLive(text, down) {
  byId('live-status').textContent = text
  byId('live-status').title = ''
  byId('live-status').classList.toggle('down', down)
}

function notice(text) {
  clearTimeout(state.noticeTimer)
  byId('notice').textContent = text
  state.noticeTimer = setTimeout(() => { byId('notice').textContent = '' }, 15000)
}

const messageOf = (userErrors) => userErrors.map((error) => error.message).join(' ')

/** Signs out on an expired or refused token (returns true); otherwise shows the message. */
function handleFailure(error, line) {
  if (error instanceof AuthError) {
    signOut(error.message)
    return true
  }
  if (line) line.textContent = error instanceof Error ? error.message : String(error)
  return false
}

function showSignIn(message) {
  show('sign-in-view')
  byId('sign-in-error').textContent = message || ''
  byId('sign-in-email').focus()
}

/** Access tokens last minutes: a minute before this one expires, it is traded for a new pair. */
function startSession(session) {
  state.session = session
  saveSession(session)
  clearTimeout(state.expiryTimer)
  const left = Math.min(Math.max(Date.parse(session.expiresAt) - Date.now() - 60000, 0), 2147483647)
  state.expiryTimer = setTimeout(renewSession, left)
}

async function renewSession() {
  const ended = 'Your session has ended. Sign in again.'
  if (!state.session || !state.session.refreshToken) return signOut(ended)
  try {
    const input = { refreshToken: state.session.refreshToken }
    const payload = (await gql(QUERIES.renew, { input }, null)).tokenRefresh
    if (!payload.accessToken) return signOut(ended)
    startSession({ token: payload.accessToken, expiresAt: payload.expiresAt, refreshToken: payload.refreshToken })
  } catch (error) {
    // A network blip: try again shortly, while the token still holds.
    if (!handleFailure(error)) state.expiryTimer = setTimeout(renewSession, 5000)
  }
}

function stopBoard() {
  if (state.live) state.live.stop()
  clearInterval(state.refreshTimer)
  clearTimeout(state.coalesce)
  Object.assign(state, { live: null, coalesce: null, store: null, orders: [], signature: '', pickListOpen: false })
  state.ui.clear()
  state.queueRun += 1
  for (const id of ['queue', 'pick-list']) byId(id).replaceChildren()
  byId('pick-list').hidden = true
  byId('pick-list-toggle').setAttribute('aria-expanded', 'false')
  byId('board-error').textContent = ''
}

function signOut(message) {
  stopBoard()
  clearTimeout(state.expiryTimer)
  clearSession()
  state.session = null
  state.staff = null
  showSignIn(message)
}

/** The sign-out button: the server ends the session too, so its refresh token is dead if copied. */
function endSessionAndSignOut() {
  const refreshToken = state.session && state.session.refreshToken
  if (refreshToken) gql(QUERIES.signOut, { input: { refreshToken } }, null).catch(() => {})
  signOut('')
}

async function signIn(event) {
  event.preventDefault()
  const email = byId('sign-in-email').value.trim()
  const password = byId('sign-in-password').value
  const line = byId('sign-in-error')
  line.textContent = ''
  if (!email || !password) {
    line.textContent = 'Enter your email and password.'
    return
  }
  byId('sign-in-submit').disabled = true
  try {
    const payload = (await gql(QUERIES.signIn, { input: { email, password } }, null)).staffSignIn
    if (payload.userErrors.length > 0 || !payload.accessToken) {
      line.textContent = messageOf(payload.userErrors) || 'Sign-in failed.'
      return
    }
    byId('sign-in-password').value = ''
    startSession({ token: payload.accessToken, expiresAt: payload.expiresAt, refreshToken: payload.refreshToken })
    await enterAsSignedIn()
  } catch (error) {
    handleFailure(error, line)
  } finally {
    byId('sign-in-submit').disabled = false
  }
}

/** Associates and managers go to their own store; admins choose one (kept for this tab). */
async function enterAsSignedIn() {
  const staff = (await gql(QUERIES.staffMe, {}, state.session.token)).staffMe
  if (!staff) return signOut('Sign in with a staff account.')
  state.staff = staff
  if (staff.store) return openBoard(staff.store)
  const saved = sessionStorage.getItem(STORE_KEY)
  if (saved) {
    try {
      const data = await gql(QUERIES.store, { id: saved }, state.session.token)
      if (data.store) return openBoard(data.store)
    } catch (error) {
      if (handleFailure(error)) return
    }
  }
  return showStorePicker()
}

async function showStorePicker() {
  stopBoard()
  sessionStorage.removeItem(STORE_KEY)
  show('store-view')
  const list = byId('store-list')
  list.replaceChildren()
  byId('store-error').textContent = ''
  try {
    const data = await gql(QUERIES.stores, {}, state.session.token)
    const choose = (store) => () => {
      sessionStorage.setItem(STORE_KEY, store.id)
      openBoard(store)
    }
    list.replaceChildren(
      ...data.stores.edges.map((edge) =>
        el('li', null, el('button', { type: 'button', className: 'secondary', onclick: choose(edge.node) }, edge.node.name + ' · ' + edge.node.code)),
      ),
    )
  } catch (error) {
    handleFailure(error, byId('store-error'))
  }
}
`
