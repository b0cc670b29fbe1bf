/**
 * Board script, part 5: what the buttons on an order card do, and the start. Plain browser
 * JavaScript in a template literal: no backticks and no dollar-brace in here.
 */
export const BOARD_CLIENT_ACTIONS = String.raw`
function currencyDigits(currencyCode) {
  return new Intl.NumberFormat('en', { style: 'currency', currency: currencyCode }).resolvedOptions().maximumFractionDigits
}

/** "20,5" or "20.50" → minor units in the currency's own digits; null when it is not an amount. */
function toMinorUnits(text, currencyCode) {
  const digits = currencyDigits(currencyCode)
  const match = /^(\d+)(?:[.,](\d*))?$/.exec(String(text).trim())
  if (!match || (match[2] || '').length > digits) return null
  return Number(match[1]) * 10 ** digits + Number((match[2] || '').padEnd(digits, '0') || '0')
}

function changeDue(order, cash) {
  const currencyCode = order.total.currencyCode
  const given = toMinorUnits(cash, currencyCode)
  const due = toMinorUnits(order.total.amount, currencyCode)
  if (given === null || due === null || given <= due) return ''
  const digits = currencyDigits(currencyCode)
  return ', change due ' + formatMoney({ amount: ((given - due) / 10 ** digits).toFixed(digits), currencyCode })
}

/** One order mutation: the card shows it is busy, then the userErrors' messages or the new state. */
async function changeOrder(order, query, field, input, onDone) {
  const ui = uiOf(order.id)
  if (ui.busy) return
  ui.busy = true
  ui.error = ''
  renderBoard(true)
  try {
    const payload = (await gql(QUERIES[query], { input }, state.session.token))[field]
    if (payload.userErrors.length > 0) ui.error = messageOf(payload.userErrors)
    else if (onDone) onDone(payload)
  } catch (error) {
    if (handleFailure(error)) return
    ui.error = error instanceof Error ? error.message : String(error)
  }
  ui.busy = false
  renderBoard(true)
  await refreshQueue()
}

const actions = {
  toggleLines(order) {
    const ui = uiOf(order.id)
    ui.open = !ui.open
    renderBoard(true)
  },
  start: (order) => changeOrder(order, 'start', 'orderStartPreparing', { orderId: order.id }),
  ready: (order) => changeOrder(order, 'ready', 'orderMarkReady', { orderId: order.id }),
  collect(order) {
    const ui = uiOf(order.id)
    const code = (ui.code || '').trim()
    if (!/^\d{6}$/.test(code)) {
      ui.error = 'The pickup code is six digits.'
      return renderBoard(true)
    }
    const input = { orderId: order.id, pickupCode: code }
    if (order.paymentMode === 'AT_PICKUP') {
      const cash = (ui.cash || '').trim().replace(',', '.')
      if (toMinorUnits(cash, order.total.currencyCode) === null) {
        ui.error = 'Enter the cash received, e.g. ' + order.total.amount + '.'
        return renderBoard(true)
      }
      input.payment = { method: 'CASH', amountTendered: cash }
    }
    const cashGiven = ui.cash
    return changeOrder(order, 'collect', 'orderCollect', input, () => {
      notice('Order #' + order.number + ' handed over' + (order.paymentMode === 'AT_PICKUP' ? changeDue(order, cashGiven) : '') + '.')
    })
  },
}

async function boot() {
  byId('sign-in-form').addEventListener('submit', signIn)
  byId('sign-out').addEventListener('click', endSessionAndSignOut)
  byId('change-store').addEventListener('click', showStorePicker)
  byId('pick-list-toggle').addEventListener('click', togglePickList)
  const session = loadSession()
  if (!session) return showSignIn('')
  startSession(session)
  try {
    await enterAsSignedIn()
  } catch (error) {
    if (!handleFailure(error)) showSignIn(error instanceof Error ? error.message : String(error))
  }
}

boot()
`
