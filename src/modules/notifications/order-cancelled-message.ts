import { detailRows, type OrderMessageTemplate } from './order-message.js'

/** Cancelled, or expired (not collected within the hold period): nothing is owed. */
export const ORDER_CANCELLED_TEMPLATE: OrderMessageTemplate = {
  en: (view) => ({
    subject: view.expired
      ? `Order ${view.orderNumber} was not collected and is cancelled`
      : `Order ${view.orderNumber} is cancelled`,
    paragraphs: [
      view.expired
        ? `Your order ${view.orderNumber} was not collected at ${view.storeName} in time, so it is cancelled.`
        : `Your order ${view.orderNumber} at ${view.storeName} is cancelled.`,
      view.paidOnline ? 'Nothing is taken from your card: the authorised payment is released.' : 'Nothing is owed.',
    ],
    details: detailRows(view, 'en', ['order', 'store', 'total']),
    closing: 'We hope to see you again soon.',
    sms: view.expired
      ? `${view.storeName}: order ${view.orderNumber} was not collected in time and is cancelled. Nothing is charged.`
      : `${view.storeName}: order ${view.orderNumber} is cancelled. Nothing is charged.`,
  }),
  fr: (view) => ({
    subject: view.expired
      ? `Commande ${view.orderNumber} non retirée : elle est annulée`
      : `Commande ${view.orderNumber} annulée`,
    paragraphs: [
      view.expired
        ? `Votre commande ${view.orderNumber} n’a pas été retirée à temps au magasin ${view.storeName} : elle est annulée.`
        : `Votre commande ${view.orderNumber} au magasin ${view.storeName} est annulée.`,
      view.paidOnline ? 'Rien n’est débité : l’autorisation de paiement est libérée.' : 'Vous ne devez rien.',
    ],
    details: detailRows(view, 'fr', ['order', 'store', 'total']),
    closing: 'Au plaisir de vous revoir bientôt.',
    sms: view.expired
      ? `${view.storeName} : commande ${view.orderNumber} non retirée à temps, elle est annulée. Rien n’est débité.`
      : `${view.storeName} : commande ${view.orderNumber} annulée. Rien n’est débité.`,
  }),
}
