import type { PaymentRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { Order } from '../orders/order.schema.js'
import { Money } from '../shared/money.schema.js'
import { findPaymentsOfOrders } from './payment.service.js'

const PaymentProvider = builder.enumType('PaymentProvider', {
  values: ['STRIPE', 'STRIPE_TERMINAL', 'CASH', 'OFFLINE', 'GIFT_CARD'] as const,
})
const PaymentStatus = builder.enumType('PaymentStatus', {
  values: ['PENDING', 'REQUIRES_ACTION', 'AUTHORIZED', 'CAPTURED', 'VOIDED', 'REFUNDED', 'FAILED'] as const,
})

const money = (payment: PaymentRow, amountMinor: number | null) =>
  amountMinor === null ? null : { amountMinor, currencyCode: payment.currency_code }

const Payment = builder.objectRef<PaymentRow>('Payment').implement({
  description: 'One payment of an order, whatever the channel: online card, card at the counter, cash.',
  fields: (t) => ({
    provider: t.field({ type: PaymentProvider, resolve: (payment) => payment.provider }),
    status: t.field({ type: PaymentStatus, resolve: (payment) => payment.status }),
    amount: t.field({ type: Money, description: 'Authorised or due.', resolve: (p) => money(p, p.amount_minor)! }),
    captured: t.field({ type: Money, resolve: (p) => money(p, p.captured_minor)! }),
    refunded: t.field({ type: Money, resolve: (p) => money(p, p.refunded_minor)! }),
    tendered: t.field({
      type: Money,
      nullable: true,
      description: 'Cash handed over.',
      resolve: (p) => money(p, p.tendered_minor),
    }),
    change: t.field({
      type: Money,
      nullable: true,
      description: 'Cash given back.',
      resolve: (p) => money(p, p.change_minor),
    }),
  }),
})

builder.objectField(Order, 'payments', (t) =>
  t.loadableList({
    type: Payment,
    load: async (orderIds: string[], context) => {
      const payments = await findPaymentsOfOrders(context.db, orderIds)
      return orderIds.map((id) => payments.filter((payment) => payment.order_id === id))
    },
    resolve: (order) => order.id,
  }),
)
