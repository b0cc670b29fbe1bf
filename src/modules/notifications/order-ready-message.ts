import { detailRows, type OrderMessageTemplate } from './order-message.js'

/** Ready for pickup: where, until when, and what to bring. */
export const ORDER_READY_TEMPLATE: OrderMessageTemplate = {
  en: (view) => ({
    subject: `Order ${view.orderNumber} is ready for pickup at ${view.storeName}`,
    paragraphs: [
      `Your order ${view.orderNumber} is ready for pickup at ${view.storeName}.`,
      'Bring your 6-digit pickup code, or show the pickup pass (QR code) in the app, at the counter.',
    ],
    details: detailRows(view, 'en', ['order', 'pickup', 'store', 'heldUntil']),
    closing: `See you soon at ${view.storeName}.`,
    sms: `${view.storeName}: order ${view.orderNumber} is ready for pickup${view.heldUntilShort ? ` until ${view.heldUntilShort}` : ''}. Bring your pickup code.`,
  }),
  fr: (view) => ({
    subject: `Votre commande ${view.orderNumber} est prête au magasin ${view.storeName}`,
    paragraphs: [
      `Votre commande ${view.orderNumber} vous attend au magasin ${view.storeName}.`,
      'Présentez au comptoir votre code de retrait à 6 chiffres, ou le pass de retrait (QR code) dans l’application.',
    ],
    details: detailRows(view, 'fr', ['order', 'pickup', 'store', 'heldUntil']),
    closing: `À bientôt chez ${view.storeName}.`,
    sms: `${view.storeName} : commande ${view.orderNumber} prête${view.heldUntilShort ? `, à retirer avant le ${view.heldUntilShort}` : ''}. Munissez-vous de votre code de retrait.`,
  }),
}
