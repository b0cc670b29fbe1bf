import type { Migration } from 'kysely'
import * as init from './20261123000001_init.js'
import * as customersCarts from './20261123000002_customers_carts.js'
import * as orders from './20261123000003_orders.js'
import * as cartHolds from './20261123000004_cart_holds.js'
import * as payments from './20261123000005_payments.js'
import * as returns from './20261123000006_returns.js'
import * as posTerminals from './20261123000007_pos_terminals.js'
import * as posSales from './20261123000008_pos_sales.js'
import * as notifications from './20261123000009_notifications.js'
import * as checkoutAbort from './20261123000010_checkout_abort.js'
import * as checkoutBatch from './20261123000011_checkout_batch.js'
import * as checkoutRead from './20261130000012_checkout_read.js'
import * as attemptCounters from './20261204000013_attempt_counters.js'
import * as authSessions from './20261204000014_auth_sessions.js'
import * as paymentsCannotBeSkipped from './20261204000015_payments_cannot_be_skipped.js'
import * as privacy from './20261204000018_privacy.js'
import * as orderNumber from './20261205000019_order_number.js'
import * as checkoutRules from './20261205000020_checkout_rules.js'
import * as cartWriteRead from './20261205000021_cart_write_read.js'
import * as backOffice from './20261205000022_back_office.js'
import * as storeDays from './20261205000023_store_days.js'
import * as prices from './20261205000025_prices.js'
import * as staffAdmin from './20261205000027_staff_admin.js'
import * as stockAdmin from './20261205000028_stock_admin.js'
import * as importJobs from './20261205000029_import_jobs.js'
import * as auditTimeBrin from './20261205000030_audit_time_brin.js'
import * as promotions from './20261206000031_promotions.js'
import * as giftCards from './20261206000032_gift_cards.js'
import * as orderDiscounts from './20261206000033_order_discounts.js'
import * as checkoutPromotions from './20261206000034_checkout_promotions.js'
import * as posGiftCardSales from './20261206000035_pos_gift_card_sales.js'
import * as giftCardPurchases from './20261206000036_gift_card_purchases.js'
import * as promotionLocks from './20261206000037_promotion_locks.js'
import * as importIndexUpkeep from './20261207000030_import_index_upkeep.js'
import * as giftCardPurchaseRefunds from './20261207000031_gift_card_purchase_refunds.js'
import * as trustedChannels from './20261207000040_trusted_channels.js'
import * as webhooks from './20261207000050_webhooks.js'
import * as orderMessages from './20261207000060_order_messages.js'
import * as insights from './20261207000070_insights.js'
import * as storePrepStats from './20261207000080_store_prep_stats.js'
import * as paidAndLowStock from './20261208000090_paid_and_low_stock.js'
import * as insightHistograms from './20261208000100_insight_histograms.js'
import * as webhookDeliveryRetention from './20261209000010_webhook_delivery_retention.js'
import * as webhookSecretRotation from './20261210000010_webhook_secret_rotation.js'
import * as pushDevices from './20261211000010_push_devices.js'

// A static list rather than a folder scan, so the Workers build (no filesystem) runs the same set.
export const migrations: Record<string, Migration> = {
  '20261123000001_init': init,
  '20261123000002_customers_carts': customersCarts,
  '20261123000003_orders': orders,
  '20261123000004_cart_holds': cartHolds,
  '20261123000005_payments': payments,
  '20261123000006_returns': returns,
  '20261123000007_pos_terminals': posTerminals,
  '20261123000008_pos_sales': posSales,
  '20261123000009_notifications': notifications,
  '20261123000010_checkout_abort': checkoutAbort,
  '20261123000011_checkout_batch': checkoutBatch,
  '20261130000012_checkout_read': checkoutRead,
  '20261204000013_attempt_counters': attemptCounters,
  '20261204000014_auth_sessions': authSessions,
  '20261204000015_payments_cannot_be_skipped': paymentsCannotBeSkipped,
  '20261204000018_privacy': privacy,
  '20261205000019_order_number': orderNumber,
  '20261205000020_checkout_rules': checkoutRules,
  '20261205000021_cart_write_read': cartWriteRead,
  '20261205000022_back_office': backOffice,
  '20261205000023_store_days': storeDays,
  '20261205000025_prices': prices,
  '20261205000027_staff_admin': staffAdmin,
  '20261205000028_stock_admin': stockAdmin,
  '20261205000029_import_jobs': importJobs,
  '20261205000030_audit_time_brin': auditTimeBrin,
  '20261206000031_promotions': promotions,
  '20261206000032_gift_cards': giftCards,
  '20261206000033_order_discounts': orderDiscounts,
  '20261206000034_checkout_promotions': checkoutPromotions,
  '20261206000035_pos_gift_card_sales': posGiftCardSales,
  '20261206000036_gift_card_purchases': giftCardPurchases,
  '20261206000037_promotion_locks': promotionLocks,
  '20261207000030_import_index_upkeep': importIndexUpkeep,
  '20261207000031_gift_card_purchase_refunds': giftCardPurchaseRefunds,
  '20261207000040_trusted_channels': trustedChannels,
  '20261207000050_webhooks': webhooks,
  '20261207000060_order_messages': orderMessages,
  '20261207000070_insights': insights,
  '20261207000080_store_prep_stats': storePrepStats,
  '20261208000090_paid_and_low_stock': paidAndLowStock,
  '20261208000100_insight_histograms': insightHistograms,
  '20261209000010_webhook_delivery_retention': webhookDeliveryRetention,
  '20261210000010_webhook_secret_rotation': webhookSecretRotation,
  '20261211000010_push_devices': pushDevices,
}
