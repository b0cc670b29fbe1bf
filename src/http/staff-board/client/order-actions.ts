import { changeDue, toMinorUnits } from './format.js'
import { type CollectInput, gql, type OrderChangePayload } from './graphql.js'
import { t } from './i18n.js'
import { handleFailure } from './session.js'
import { currentToken, uiOf } from './state.js'
import type { Order, OrderActions } from './types.js'
import { messageOf, notice } from './view.js'

/**
 * What the buttons on an order card do. The board passes in how to redraw and refetch its queue,
 * since the queue's drawing needs these actions in turn.
 */
export interface QueueControl {
  render(force: boolean): void
  refresh(): Promise<void>
}

/** One order mutation: the card shows it is busy, then the userErrors' messages or the new state. */
async function changeOrder(
  order: Order,
  queue: QueueControl,
  send: () => Promise<OrderChangePayload>,
  onDone?: (payload: OrderChangePayload) => void,
): Promise<void> {
  const ui = uiOf(order.id)
  if (ui.busy) return
  ui.busy = true
  ui.error = ''
  queue.render(true)
  try {
    const payload = await send()
    if (payload.userErrors.length > 0) ui.error = messageOf(payload.userErrors)
    else if (onDone) onDone(payload)
  } catch (error) {
    if (handleFailure(error)) return
    ui.error = error instanceof Error ? error.message : String(error)
  }
  ui.busy = false
  queue.render(true)
  await queue.refresh()
}

export function createOrderActions(queue: QueueControl): OrderActions {
  return {
    toggleLines(order) {
      const ui = uiOf(order.id)
      ui.open = !ui.open
      queue.render(true)
    },
    start: (order) =>
      changeOrder(order, queue, async () => {
        const data = await gql('start', { input: { orderId: order.id } }, currentToken())
        return data.orderStartPreparing
      }),
    ready: (order) =>
      changeOrder(order, queue, async () => {
        const data = await gql('ready', { input: { orderId: order.id } }, currentToken())
        return data.orderMarkReady
      }),
    async collect(order) {
      const ui = uiOf(order.id)
      const code = (ui.code || '').trim()
      if (!/^\d{6}$/.test(code)) {
        ui.error = t.codeIsSixDigits
        return queue.render(true)
      }
      const input: CollectInput = { orderId: order.id, pickupCode: code }
      if (order.paymentMode === 'AT_PICKUP') {
        const cash = (ui.cash || '').trim().replace(',', '.')
        if (toMinorUnits(cash, order.total.currencyCode) === null) {
          ui.error = t.enterCash(order.total.amount)
          return queue.render(true)
        }
        input.payment = { method: 'CASH', amountTendered: cash }
      }
      const cashGiven = ui.cash ?? ''
      const send = async () => (await gql('collect', { input }, currentToken())).orderCollect
      return changeOrder(order, queue, send, () => {
        const change = order.paymentMode === 'AT_PICKUP' ? changeDue(order, cashGiven) : ''
        notice(t.handedOver(order.number, change))
      })
    },
  }
}
