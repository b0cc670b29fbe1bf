import { el } from './dom.js'
import { slotLabel, timeFormat } from './format.js'
import { t } from './i18n.js'
import { renderCard } from './render-card.js'
import type { Order, OrderActions, OrderStatus, OrderUi, PickListLine } from './types.js'

/** The queue in three columns, by status then pickup slot, and the store's pick list. */

const COLUMNS: { status: OrderStatus; title: string }[] = [
  { status: 'PLACED', title: t.columns.PLACED },
  { status: 'PREPARING', title: t.columns.PREPARING },
  { status: 'READY_FOR_PICKUP', title: t.columns.READY_FOR_PICKUP },
]

/** Orders of one status, in groups of one pickup slot, earliest slot first (server order inside). */
function groupBySlot(orders: Order[]): Order[][] {
  const groups = new Map<string, Order[]>()
  for (const order of orders) {
    const key = order.pickupSlotStart || ''
    const group = groups.get(key)
    if (group) group.push(order)
    else groups.set(key, [order])
  }
  return [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((entry) => entry[1])
}

function renderColumn(
  column: (typeof COLUMNS)[number],
  orders: Order[],
  timeZone: string,
  uiOf: (orderId: string) => OrderUi,
  actions: OrderActions,
): HTMLElement {
  const mine = orders.filter((order) => order.status === column.status)
  const section = el(
    'section',
    { className: 'column', dataset: { column: column.status } },
    el('h2', null, column.title, el('span', { className: 'count' }, mine.length)),
  )
  if (mine.length === 0) section.append(el('p', { className: 'empty' }, t.nothingHere))
  for (const group of groupBySlot(mine)) {
    const [first] = group
    if (first) section.append(el('h3', null, slotLabel(first, timeZone)))
    for (const order of group) section.append(renderCard(order, uiOf(order.id), actions))
  }
  return section
}

/** Rebuilds the queue, keeping the focus (and caret) in the field that had it. */
export function renderQueue(
  container: HTMLElement,
  orders: Order[],
  timeZone: string,
  uiOf: (orderId: string) => OrderUi,
  actions: OrderActions,
): void {
  const focused = document.activeElement
  const focusKey = focused instanceof HTMLElement ? focused.dataset.focusKey : undefined
  const caret =
    focusKey && focused && 'selectionStart' in focused && typeof focused.selectionStart === 'number'
      ? focused.selectionStart
      : null
  container.replaceChildren(...COLUMNS.map((column) => renderColumn(column, orders, timeZone, uiOf, actions)))
  if (!focusKey) return
  const again = [...container.querySelectorAll<HTMLElement>('[data-focus-key]')].find(
    (node) => node.dataset.focusKey === focusKey,
  )
  if (!again) return
  again.focus()
  if (caret !== null && again instanceof HTMLInputElement) again.setSelectionRange(caret, caret)
}

export function renderPickList(container: HTMLElement, lines: PickListLine[], timeZone: string): void {
  const format = timeFormat(timeZone, true)
  const rows = lines.map((line) =>
    el(
      'tr',
      null,
      el('td', { className: 'qty' }, line.quantity),
      el('td', null, line.title, el('br'), el('span', { className: 'sku' }, line.sku)),
      el('td', null, line.orders),
      el('td', null, line.firstSlotStart ? format.format(new Date(line.firstSlotStart)) : ''),
    ),
  )
  container.replaceChildren(
    el('h2', null, t.pickListTitle),
    lines.length === 0
      ? el('p', { className: 'empty' }, t.nothingToFetch)
      : el(
          'table',
          null,
          el(
            'thead',
            null,
            el(
              'tr',
              null,
              el('th', { className: 'qty' }, t.qty),
              el('th', null, t.item),
              el('th', null, t.orders),
              el('th', null, t.firstSlot),
            ),
          ),
          el('tbody', null, ...rows),
        ),
  )
}
