/**
 * Board script, part 1: the session (sessionStorage only), GraphQL over fetch, and the live queue
 * over Server-Sent Events. EventSource cannot send an Authorization header, and the token never
 * goes in a URL, so the stream is read from fetch. Plain browser JavaScript: no backticks and no
 * dollar-brace in here, since this is a template literal.
 */
export const BOARD_CLIENT_API = String.raw`
const GRAPHQL_URL = '/graphql'
const SESSION_KEY = 'comptoir.board.session'
const STORE_KEY = 'comptoir.board.store'

const ORDER_FIELDS = 'id number status paymentMode pickupSlotStart pickupSlotEnd isLate arrivedAt waitingMinutes ' +
  'total { amount currencyCode } lines { sku title quantity }'
const STAFF_FIELDS = 'id name role store { id code name timeZone }'
const QUERIES = {
  // The payload's staff is read with the new token (staffMe): the sign-in request itself is anonymous.
  signIn: 'mutation BoardSignIn($input: StaffSignInInput!) { staffSignIn(input: $input) { accessToken expiresAt ' +
    'refreshToken userErrors { code field message } } }',
  renew: 'mutation BoardRenew($input: TokenRefreshInput!) { tokenRefresh(input: $input) { accessToken expiresAt ' +
    'refreshToken userErrors { code field message } } }',
  signOut: 'mutation BoardSignOut($input: StaffSignOutInput!) { staffSignOut(input: $input) { signedOut } }',
  staffMe: 'query BoardStaff { staffMe { ' + STAFF_FIELDS + ' } }',
  stores: 'query BoardStores { stores(first: 100) { edges { node { id code name timeZone } } } }',
  store: 'query BoardStore($id: ID!) { store(id: $id) { id code name timeZone } }',
  queue: 'query BoardQueue($storeId: ID!) { storeOrders(storeId: $storeId, ' +
    'statuses: [PLACED, PREPARING, READY_FOR_PICKUP], first: 200) { edges { node { ' + ORDER_FIELDS + ' } } } }',
  pickList: 'query BoardPickList($storeId: ID!) { pickList(storeId: $storeId) { sku title quantity orders firstSlotStart } }',
  live: 'subscription BoardLive($storeId: ID!) { storeQueueUpdated(storeId: $storeId) { id } }',
  start: 'mutation BoardStart($input: OrderStartPreparingInput!) { orderStartPreparing(input: $input) { ' +
    'order { id status } userErrors { code field message } } }',
  ready: 'mutation BoardReady($input: OrderMarkReadyInput!) { orderMarkReady(input: $input) { ' +
    'order { id status } userErrors { code field message } } }',
  collect: 'mutation BoardCollect($input: OrderCollectInput!) { orderCollect(input: $input) { ' +
    'order { id number status } userErrors { code field message } } }',
}

class AuthError extends Error {}

function loadSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null')
    if (!session || typeof session.token !== 'string') return null
    if (!(Date.parse(session.expiresAt) > Date.now())) return null
    return session
  } catch {
    return null
  }
}

function saveSession(session) {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session))
}

function clearSession() {
  sessionStorage.removeItem(SESSION_KEY)
  sessionStorage.removeItem(STORE_KEY)
}

/** Throws AuthError when the token is refused, Error with a readable message otherwise. */
function checkErrors(body) {
  const errors = body?.errors || []
  if (errors.some((error) => error.extensions?.code === 'UNAUTHENTICATED')) {
    throw new AuthError('Your session has ended. Sign in again.')
  }
  if (errors.length > 0) throw new Error(errors[0].message || 'The request failed.')
  if (!body || !body.data) throw new Error('The server sent no answer.')
  return body.data
}

function requestHeaders(token, accept) {
  const headers = { 'content-type': 'application/json', accept }
  if (token) headers.authorization = 'Bearer ' + token
  return headers
}

async function gql(query, variables, token) {
  let response
  try {
    response = await fetch(GRAPHQL_URL, {
      method: 'POST',
      headers: requestHeaders(token, 'application/graphql-response+json, application/json'),
      body: JSON.stringify({ query, variables }),
      credentials: 'omit',
      cache: 'no-store',
    })
  } catch {
    throw new Error('The server cannot be reached. Check the network and try again.')
  }
  const body = await response.json().catch(() => null)
  if (!body) throw new Error('The server answered ' + response.status + '.')
  return checkErrors(body)
}

/** Calls onBlock(eventName, data) for every event of the stream, onChunk() for every chunk read. */
async function readEventStream(body, onChunk, onBlock) {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  try {
    for (;;) {
      const chunk = await reader.read()
      if (chunk.done) return
      onChunk()
      buffer = (buffer + decoder.decode(chunk.value, { stream: true })).replace(/\r\n?/g, '\n')
      let boundary = buffer.indexOf('\n\n')
      while (boundary >= 0) {
        const lines = buffer.slice(0, boundary).split('\n')
        buffer = buffer.slice(boundary + 2)
        const eventLine = lines.find((line) => line.startsWith('event:'))
        const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n')
        if (onBlock(eventLine ? eventLine.slice(6).trim() : 'message', data) === 'stop') return
        boundary = buffer.indexOf('\n\n')
      }
    }
  } finally {
    reader.cancel().catch(() => {})
  }
}

/**
 * Follows storeQueueUpdated(storeId): onEvent() for every change, onOpen() once connected,
 * onDown(message) when the stream is lost; reconnects with a growing, jittered delay, and with
 * the token of the moment (tokenOf()): the server ends a stream when the token it started with expires.
 */
function watchStoreQueue(storeId, tokenOf, handlers) {
  let stopped = false
  let attempt = 0
  let abort = null
  let retry = null

  async function connect() {
    abort = new AbortController()
    const startedAt = Date.now()
    let problem = 'Live updates stopped.'
    try {
      const response = await fetch(GRAPHQL_URL, {
        method: 'POST',
        headers: requestHeaders(tokenOf(), 'text/event-stream'),
        body: JSON.stringify({ query: QUERIES.live, variables: { storeId } }),
        credentials: 'omit',
        cache: 'no-store',
        signal: abort.signal,
      })
      const type = response.headers.get('content-type') || ''
      if (!response.ok || !type.includes('text/event-stream') || !response.body) {
        checkErrors(await response.json().catch(() => null))
        throw new Error('Live updates refused (' + response.status + ').')
      }
      let opened = false
      await readEventStream(
        response.body,
        () => {
          if (!opened) handlers.onOpen()
          opened = true
        },
        (event, data) => {
          if (event === 'complete') return 'stop'
          if (event !== 'next' || !data) return
          checkErrors(JSON.parse(data))
          handlers.onEvent()
        },
      )
    } catch (error) {
      if (stopped) return
      if (error instanceof AuthError) return handlers.onAuthError(error)
      problem = error instanceof Error && error.message ? error.message : problem
    }
    if (stopped) return
    if (Date.now() - startedAt > 10000) attempt = 0
    const delay = Math.min(30000, 1000 * 2 ** attempt) * (0.75 + Math.random() / 2)
    attempt += 1
    handlers.onDown(problem)
    retry = setTimeout(connect, delay)
  }

  connect()
  return {
    stop() {
      stopped = true
      clearTimeout(retry)
      if (abort) abort.abort()
    },
  }
}
`
