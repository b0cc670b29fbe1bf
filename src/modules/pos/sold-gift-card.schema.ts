import type { GiftCardRow, OrderGiftCardRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { GiftCard } from '../giftcards/gift-card.schema.js'
import { findGiftCardsSold } from '../giftcards/gift-card-sale.service.js'
import { Order } from '../orders/order.schema.js'
import { Money } from '../shared/money.schema.js'

type SoldGiftCardValue = OrderGiftCardRow & { currencyCode: string }

const SoldGiftCard = builder.objectRef<SoldGiftCardValue>('SoldGiftCard').implement({
  description:
    'A gift card bought in a till sale: in its subtotal and total, but no line (no tax, no promotion, never returned as goods).',
  fields: (t) => ({
    amount: t.field({
      type: Money,
      resolve: (card) => ({ amountMinor: card.amount_minor, currencyCode: card.currencyCode }),
    }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (card) => card.expires_at }),
    giftCard: t.field({
      type: GiftCard,
      nullable: true,
      description: 'Null until the sale is paid, when the card is issued.',
      resolve: (card) => card.gift_card_id,
    }),
  }),
})

type OrderKey = { orderId: string; currencyCode: string }

builder.objectField(Order, 'giftCardsSold', (t) =>
  t.loadableList({
    type: SoldGiftCard,
    description:
      'Gift cards this sale sold, counted in subtotal and total untaxed and undiscounted; gift cards never pay for them.',
    load: async (keys: OrderKey[], context) => {
      const rows = await findGiftCardsSold(
        context.db,
        keys.map((key) => key.orderId),
      )
      return keys.map((key) =>
        rows.filter((row) => row.order_id === key.orderId).map((row) => ({ ...row, currencyCode: key.currencyCode })),
      )
    },
    loaderOptions: { cacheKeyFn: (key: OrderKey) => key.orderId },
    resolve: (order) => ({ orderId: order.id, currencyCode: order.currency_code }),
  }),
)

/** A card issued by this call of posSaleCreate, with its code. */
export const IssuedGiftCard = builder
  .objectRef<{ giftCard: GiftCardRow; code: string }>('PosSaleIssuedGiftCard')
  .implement({
    fields: (t) => ({
      giftCard: t.field({ type: GiftCard, resolve: (issued) => issued.giftCard }),
      code: t.exposeString('code', {
        description:
          'The code to hand the shopper. Shown once, in the call that issued the card: only its hash is kept.',
      }),
    }),
  })
