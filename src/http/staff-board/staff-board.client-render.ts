/**
 * Board script, part 2: building the DOM. Every string from the server goes in through
 * textContent or an attribute, never through innerHTML. Plain browser JavaScript in a template
 * literal: no backticks and no dollar-brace in here.
 */
// biome-ignore lint/complexity/noUselessStringRaw: every part is raw, so a backslash added later reaches the browser as typed
export const BOARD_CLIENT_RENDER = String.raw`
const COLUMNS = [
  { status: 'PLACED', title: 'To prepare' },
  { status: 'PREPARING', title: 'Preparing' },
  { status: 'READY_FOR_PICKUP', title: 'Ready for pickup' },
]

/** el('p', { className: 'meta' }, 'text', child): properties are set, children appended as text or nodes. */
function el(tag, props, ...children) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(props || {})) {
    if (name === 'dataset') Object.assign(node.dataset, value)
    else if (name === 'role' || name.startsWith('aria-')) node.setAttribute(name, String(value))
    else node[name] = value
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    node.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
  return node
}

function formatMoney(money) {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: money.currencyCode }).format(Number(money.amount))
  } catch {
    return money.amount + ' ' + money.currencyCode
  }
}

function timeFormat(timeZone, withDay) {
  const options = withDay
    ? { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }
    : { timeZone, hour: '2-digit', minute: '2-digit' }
  return new Intl.DateTimeFormat(undefined, options)
}

/** "Tue 24 Nov, 09:00–09:15" in the store's time zone. */
function slotLabel(order, timeZone) {
  if (!order.pickupSlotStart) return 'No pickup slot'
  const start = timeFormat(timeZone, true).format(new Date(order.pickupSlotStart))
  const end = order.pickupSlotEnd ? '–' + timeFormat(timeZone, false).format(new Date(order.pickupSlotEnd)) : ''
  return start + end
}

/** Orders of one status, in groups of one pickup slot, earliest slot first (server order inside). */
function groupBySlot(orders) {
  const groups = new Map()
  for (const order of orders) {
    const key = order.pickupSlotStart || ''
    if (!groups.has(key)) groups.set(key, [])
    groups.get(key).push(order)
  }
  return [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((entry) => entry[1])
}

function renderLines(order) {
  const rows = order.lines.map((line) =>
    el('tr', null, el('td', { className: 'qty' }, line.quantity), el('td', null, line.title, el('br'), el('span', { className: 'sku' }, line.sku))),
  )
  return el(
    'table',
    { className: 'lines' },
    el('thead', null, el('tr', null, el('th', { className: 'qty' }, 'Qty'), el('th', null, 'Item'))),
    el('tbody', null, ...rows),
  )
}

function renderHandover(order, ui, actions) {
  const code = el('input', {
    name: 'pickupCode', value: ui.code, inputMode: 'numeric', autocomplete: 'off', maxLength: 6, required: true,
    dataset: { focusKey: order.id + ':code' }, oninput: (event) => { ui.code = event.target.value },
  })
  const form = el('form', { className: 'handover', method: 'post', noValidate: true }, el('label', null, 'Pickup code', code))
  if (order.paymentMode === 'AT_PICKUP') {
    if (ui.cash === undefined) ui.cash = order.total.amount
    const cash = el('input', {
      name: 'cashReceived', value: ui.cash, inputMode: 'decimal', autocomplete: 'off',
      dataset: { focusKey: order.id + ':cash' }, oninput: (event) => { ui.cash = event.target.value },
    })
    form.append(el('label', null, 'Cash received (' + order.total.currencyCode + ')', cash))
  }
  form.append(el('button', { type: 'submit', className: 'go', disabled: ui.busy, dataset: { action: 'collect' } }, 'Hand over'))
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    actions.collect(order)
  })
  return form
}

function renderCard(order, ui, actions) {
  const items = order.lines.reduce((sum, line) => sum + line.quantity, 0)
  const head = el(
    'div',
    { className: 'card-head' },
    el('span', { className: 'number' }, '#' + order.number),
    order.arrivedAt && el('span', { className: 'badge arrived' }, order.waitingMinutes === null ? 'Arrived' : 'Waiting ' + order.waitingMinutes + ' min'),
    order.isLate && el('span', { className: 'badge late' }, 'Late'),
  )
  const paid = order.paymentMode === 'AT_PICKUP' ? 'to pay at the counter' : 'paid'
  const toggle = el('button', {
    type: 'button', className: 'secondary', 'aria-expanded': ui.open, dataset: { action: 'lines', focusKey: order.id + ':lines' },
    onclick: () => actions.toggleLines(order),
  }, ui.open ? 'Hide pick list' : 'Pick list (' + items + ')')
  const buttons = el('div', { className: 'actions' }, toggle)
  if (order.status === 'PLACED') {
    buttons.append(el('button', { type: 'button', disabled: ui.busy, dataset: { action: 'start' }, onclick: () => actions.start(order) }, 'Start preparing'))
  }
  if (order.status === 'PREPARING') {
    buttons.append(el('button', { type: 'button', className: 'go', disabled: ui.busy, dataset: { action: 'ready' }, onclick: () => actions.ready(order) }, 'Mark ready'))
  }
  return el(
    'article',
    { className: 'card' + (order.isLate ? ' late' : '') + (order.arrivedAt ? ' arrived' : ''), dataset: { orderId: order.id, status: order.status, number: order.number } },
    head,
    el('p', { className: 'meta' }, items + (items === 1 ? ' item · ' : ' items · ') + formatMoney(order.total) + ' ' + paid),
    ui.open && renderLines(order),
    buttons,
    order.status === 'READY_FOR_PICKUP' && renderHandover(order, ui, actions),
    el('p', { className: 'error', role: 'alert' }, ui.error || ''),
  )
}

function renderColumn(column, orders, timeZone, uiOf, actions) {
  const mine = orders.filter((order) => order.status === column.status)
  const section = el(
    'section',
    { className: 'column', dataset: { column: column.status } },
    el('h2', null, column.title, el('span', { className: 'count' }, mine.length)),
  )
  if (mine.length === 0) section.append(el('p', { className: 'empty' }, 'Nothing here.'))
  for (const group of groupBySlot(mine)) {
    section.append(el('h3', null, slotLabel(group[0], timeZone)))
    for (const order of group) section.append(renderCard(order, uiOf(order.id), actions))
  }
  return section
}

/** Rebuilds the queue, keeping the focus (and caret) in the field that had it. */
function renderQueue(container, orders, timeZone, uiOf, actions) {
  const focused = document.activeElement
  const focusKey = focused?.dataset?.focusKey
  const caret = focusKey && typeof focused.selectionStart === 'number' ? focused.selectionStart : null
  container.replaceChildren(...COLUMNS.map((column) => renderColumn(column, orders, timeZone, uiOf, actions)))
  if (!focusKey) return
  const again = [...container.querySelectorAll('[data-focus-key]')].find((node) => node.dataset.focusKey === focusKey)
  if (!again) return
  again.focus()
  if (caret !== null && typeof again.setSelectionRange === 'function') again.setSelectionRange(caret, caret)
}

function renderPickList(container, lines, timeZone) {
  const format = timeFormat(timeZone, true)
  const rows = lines.map((line) =>
    el('tr', null, el('td', { className: 'qty' }, line.quantity), el('td', null, line.title, el('br'), el('span', { className: 'sku' }, line.sku)),
      el('td', null, line.orders), el('td', null, line.firstSlotStart ? format.format(new Date(line.firstSlotStart)) : '')),
  )
  container.replaceChildren(
    el('h2', null, 'To fetch for the orders to prepare'),
    lines.length === 0
      ? el('p', { className: 'empty' }, 'Nothing to fetch.')
      : el('table', null,
          el('thead', null, el('tr', null, el('th', { className: 'qty' }, 'Qty'), el('th', null, 'Item'), el('th', null, 'Orders'), el('th', null, 'First slot'))),
          el('tbody', null, ...rows)),
  )
}
`
