import type { OrderMessageKind } from '../../db/database.js'
import type { Locale } from '../shared/locale.js'
import type { NotificationMessage, PushMessage, TextMessage } from './notification-provider.js'
import { ORDER_CANCELLED_TEMPLATE } from './order-cancelled-message.js'
import {
  GREETING,
  type OrderMessageFacts,
  orderMessageView,
  renderOrderEmail,
  renderOrderText,
} from './order-message.js'
import { ORDER_PLACED_TEMPLATE } from './order-placed-message.js'
import { ORDER_READY_TEMPLATE } from './order-ready-message.js'
import { ORDER_REMINDER_TEMPLATE } from './order-reminder-message.js'

const TEMPLATES = {
  ORDER_PLACED: ORDER_PLACED_TEMPLATE,
  ORDER_READY: ORDER_READY_TEMPLATE,
  ORDER_REMINDER: ORDER_REMINDER_TEMPLATE,
  ORDER_CANCELLED: ORDER_CANCELLED_TEMPLATE,
} as const satisfies Record<OrderMessageKind, unknown>

interface Addressed {
  kind: OrderMessageKind
  locale: Locale
  id: string
  to: string
}

export function renderOrderEmailMessage(facts: OrderMessageFacts, message: Addressed): NotificationMessage {
  const content = TEMPLATES[message.kind][message.locale](orderMessageView(facts, message.locale))
  return renderOrderEmail(content, { id: message.id, to: message.to, greeting: GREETING[message.locale] })
}

export function renderOrderTextMessage(facts: OrderMessageFacts, message: Addressed): TextMessage {
  const content = TEMPLATES[message.kind][message.locale](orderMessageView(facts, message.locale))
  return renderOrderText(content, { id: message.id, to: message.to })
}

/** A push says what the text message says, under the email's subject as its title. */
export function renderOrderPushMessage(
  facts: OrderMessageFacts,
  message: Omit<Addressed, 'to'> & Pick<PushMessage, 'devices' | 'data'>,
): PushMessage {
  const content = TEMPLATES[message.kind][message.locale](orderMessageView(facts, message.locale))
  return { id: message.id, title: content.subject, text: content.sms, devices: message.devices, data: message.data }
}
