import { detailRows, type OrderMessageTemplate } from './order-message.js'

/** The order is placed: what was bought for how much, and when and where to collect it. */
export const ORDER_PLACED_TEMPLATE: OrderMessageTemplate = {
  en: (view) => ({
    subject: `Order ${view.orderNumber} confirmed: pickup at ${view.storeName}`,
    paragraphs: [
      `Thank you: your order ${view.orderNumber} is confirmed, and ${view.storeName} is preparing it.`,
      view.paidOnline
        ? 'Your payment is authorised; it is taken when you collect the order.'
        : 'You pay at the counter when you collect the order.',
      'We will write again as soon as it is ready.',
    ],
    details: detailRows(view, 'en', ['order', 'pickup', 'store', 'total']),
    closing: `Thank you for shopping at ${view.storeName}.`,
    sms: `${view.storeName}: order ${view.orderNumber} confirmed (${view.total})${view.slot ? `, pickup ${view.slot}` : ''}. We will text you when it is ready.`,
  }),
  fr: (view) => ({
    subject: `Commande ${view.orderNumber} confirmée : retrait au magasin ${view.storeName}`,
    paragraphs: [
      `Merci : votre commande ${view.orderNumber} est confirmée, et le magasin ${view.storeName} la prépare.`,
      view.paidOnline
        ? 'Votre paiement est autorisé ; il sera débité au retrait de la commande.'
        : 'Vous réglerez au comptoir, au retrait de la commande.',
      'Nous vous écrirons dès qu’elle sera prête.',
    ],
    details: detailRows(view, 'fr', ['order', 'pickup', 'store', 'total']),
    closing: `Merci de votre confiance, à bientôt chez ${view.storeName}.`,
    sms: `${view.storeName} : commande ${view.orderNumber} confirmée (${view.total})${view.slot ? `, retrait ${view.slot}` : ''}. Nous vous préviendrons dès qu’elle sera prête.`,
  }),
}
