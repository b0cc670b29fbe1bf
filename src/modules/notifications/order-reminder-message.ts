import { detailRows, type OrderMessageTemplate } from './order-message.js'

/** Sent once, a configured lead before the hold period of a ready order ends. */
export const ORDER_REMINDER_TEMPLATE: OrderMessageTemplate = {
  en: (view) => ({
    subject: `Reminder: order ${view.orderNumber} is waiting for you at ${view.storeName}`,
    paragraphs: [
      `Your order ${view.orderNumber} is still waiting for you at ${view.storeName}${view.heldUntil ? `, until ${view.heldUntil}` : ''}.`,
      'After that it goes back on the shelves and the order is cancelled.',
    ],
    details: detailRows(view, 'en', ['order', 'store', 'heldUntil']),
    closing: `See you soon at ${view.storeName}.`,
    sms: `${view.storeName}: order ${view.orderNumber} is held for you${view.heldUntilShort ? ` until ${view.heldUntilShort}` : ''}. After that it goes back on the shelves.`,
  }),
  fr: (view) => ({
    subject: `Rappel : votre commande ${view.orderNumber} vous attend au magasin ${view.storeName}`,
    paragraphs: [
      `Votre commande ${view.orderNumber} vous attend toujours au magasin ${view.storeName}${view.heldUntil ? `, jusqu’au ${view.heldUntil}` : ''}.`,
      'Passé ce délai, les articles retournent en rayon et la commande est annulée.',
    ],
    details: detailRows(view, 'fr', ['order', 'store', 'heldUntil']),
    closing: `À bientôt chez ${view.storeName}.`,
    sms: `${view.storeName} : commande ${view.orderNumber} conservée${view.heldUntilShort ? ` jusqu’au ${view.heldUntilShort}` : ''}. Passé ce délai, elle sera annulée.`,
  }),
}
