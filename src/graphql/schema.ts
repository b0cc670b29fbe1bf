import { lexicographicSortSchema, printSchema } from 'graphql'
import '../modules/shared/money.schema.js'
import './user-errors.js'
import '../modules/catalog/catalog.schema.js'
import '../modules/stores/store.schema.js'
import '../modules/inventory/inventory.schema.js'
import '../modules/staff/staff.schema.js'
import '../modules/sessions/session.schema.js'
import '../modules/carts/cart.schema.js'
import '../modules/carts/cart-mutations.schema.js'
import '../modules/customers/customer.schema.js'
import '../modules/customers/customer-timeline.schema.js'
import '../modules/customers/customer-privacy.schema.js'
import '../modules/orders/order.schema.js'
import '../modules/checkout/checkout.schema.js'
import '../modules/orders/order-mutations.schema.js'
import '../modules/pos/pos-sale.schema.js'
import '../modules/orders/store-queue.schema.js'
import '../modules/payments/payment.schema.js'
import '../modules/payments/terminal.schema.js'
import '../modules/returns/return.schema.js'
import '../modules/terminals/terminal.schema.js'
import '../modules/pickup/pickup.schema.js'
import '../modules/audit/audit.schema.js'
import '../modules/imports/import.schema.js'
import { builder } from './builder.js'

export const schema = builder.toSchema()

export function printSchemaSDL(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`
}
