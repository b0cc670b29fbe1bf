import { el, typedValue } from './dom.js'
import { formatMoney } from './format.js'
import { t } from './i18n.js'
import type { Order, OrderActions, OrderUi } from './types.js'

/** One order's card: its number and flags, what it holds, and the buttons its status allows. */

function renderLines(order: Order): HTMLTableElement {
  const rows = order.lines.map((line) =>
    el(
      'tr',
      null,
      el('td', { className: 'qty' }, line.quantity),
      el('td', null, line.title, el('br'), el('span', { className: 'sku' }, line.sku)),
    ),
  )
  return el(
    'table',
    { className: 'lines' },
    el('thead', null, el('tr', null, el('th', { className: 'qty' }, t.qty), el('th', null, t.item))),
    el('tbody', null, ...rows),
  )
}

/** The hand-over form: the pickup code, and the cash received when the order is paid at the counter. */
function renderHandover(order: Order, ui: OrderUi, actions: OrderActions): HTMLFormElement {
  const code = el('input', {
    name: 'pickupCode',
    value: ui.code,
    inputMode: 'numeric',
    autocomplete: 'off',
    maxLength: 6,
    required: true,
    dataset: { focusKey: `${order.id}:code` },
    oninput: (event) => {
      ui.code = typedValue(event)
    },
  })
  const form = el(
    'form',
    { className: 'handover', method: 'post', noValidate: true },
    el('label', null, t.pickupCode, code),
  )
  if (order.paymentMode === 'AT_PICKUP') {
    if (ui.cash === undefined) ui.cash = order.total.amount
    const cash = el('input', {
      name: 'cashReceived',
      value: ui.cash,
      inputMode: 'decimal',
      autocomplete: 'off',
      dataset: { focusKey: `${order.id}:cash` },
      oninput: (event) => {
        ui.cash = typedValue(event)
      },
    })
    form.append(el('label', null, t.cashReceived(order.total.currencyCode), cash))
  }
  form.append(
    el('button', { type: 'submit', className: 'go', disabled: ui.busy, dataset: { action: 'collect' } }, t.handOver),
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    actions.collect(order)
  })
  return form
}

export function renderCard(order: Order, ui: OrderUi, actions: OrderActions): HTMLElement {
  const items = order.lines.reduce((sum, line) => sum + line.quantity, 0)
  const head = el(
    'div',
    { className: 'card-head' },
    el('span', { className: 'number' }, `#${order.number}`),
    order.arrivedAt &&
      el(
        'span',
        { className: 'badge arrived' },
        order.waitingMinutes === null ? t.arrived : t.waiting(order.waitingMinutes),
      ),
    order.isLate && el('span', { className: 'badge late' }, t.late),
    // Late already says more: at risk is the warning before it.
    order.atRisk && !order.isLate && el('span', { className: 'badge at-risk' }, t.atRisk),
  )
  const paid = order.paymentMode === 'AT_PICKUP' ? t.toPay : t.paid
  const toggle = el(
    'button',
    {
      type: 'button',
      className: 'secondary',
      'aria-expanded': ui.open,
      dataset: { action: 'lines', focusKey: `${order.id}:lines` },
      onclick: () => actions.toggleLines(order),
    },
    ui.open ? t.hidePickList : t.pickList(items),
  )
  const buttons = el('div', { className: 'actions' }, toggle)
  if (order.status === 'PLACED') {
    buttons.append(
      el(
        'button',
        { type: 'button', disabled: ui.busy, dataset: { action: 'start' }, onclick: () => actions.start(order) },
        t.startPreparing,
      ),
    )
  }
  if (order.status === 'PREPARING') {
    buttons.append(
      el(
        'button',
        {
          type: 'button',
          className: 'go',
          disabled: ui.busy,
          dataset: { action: 'ready' },
          onclick: () => actions.ready(order),
        },
        t.markReady,
      ),
    )
  }
  return el(
    'article',
    {
      className: `card${order.isLate ? ' late' : order.atRisk ? ' at-risk' : ''}${order.arrivedAt ? ' arrived' : ''}`,
      dataset: { orderId: order.id, status: order.status, number: order.number },
    },
    head,
    el('p', { className: 'meta' }, `${t.items(items)} · ${formatMoney(order.total)} ${paid}`),
    ui.open && renderLines(order),
    buttons,
    order.status === 'READY_FOR_PICKUP' && renderHandover(order, ui, actions),
    el('p', { className: 'error', role: 'alert' }, ui.error || ''),
  )
}
