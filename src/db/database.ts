import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'

// Kept by hand in step with migrations/; test/db/schema-types.test.ts checks that they agree.

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>
type Json<T> = ColumnType<T, string, string>
// bigserial comes back from pg as a string: ids beyond 2^53 must not be rounded.
type BigSerial = ColumnType<string, never, never>

export interface WeeklyHours {
  mon: TimeRange[]
  tue: TimeRange[]
  wed: TimeRange[]
  thu: TimeRange[]
  fri: TimeRange[]
  sat: TimeRange[]
  sun: TimeRange[]
}
/** Local wall-clock "HH:MM"; a close at or before the open runs past midnight into the next day. */
export interface TimeRange {
  opens: string
  closes: string
}

export interface StoreTable {
  id: Generated<string>
  code: string
  name: string
  address_line1: string
  city: string
  postal_code: string
  country: string
  latitude: number
  longitude: number
  time_zone: string
  opening_hours: Json<WeeklyHours>
  currency_code: string
  preparation_minutes: Generated<number>
  slot_minutes: Generated<number>
  slot_capacity: Generated<number>
  hold_hours: Generated<number>
  low_stock_threshold: Generated<number>
  created_at: CreatedAt
  accepting_orders: Generated<boolean>
  special_days: ColumnType<SpecialDays, string | undefined, string>
  /** The language its shoppers are written to when they have none of their own. */
  locale: Generated<Locale>
}

/** The languages messages and the staff board are written in. */
export type Locale = 'fr' | 'en'
export type MessageChannel = 'EMAIL' | 'SMS' | 'PUSH'
/** Where an app install receives pushes: Apple's, Google's or a browser's push service. */
export type PushPlatform = 'IOS' | 'ANDROID' | 'WEB'

/** Local date "YYYY-MM-DD" → that day's hours instead of the weekly ones; [] = closed all day. */
export type SpecialDays = Record<string, TimeRange[]>

export interface CategoryTable {
  id: Generated<string>
  slug: string
  name: string
  parent_id: string | null
  position: Generated<number>
}

export interface ProductOption {
  name: string
  values: string[]
}
export interface ProductImage {
  url: string
  alt: string | null
}
export interface SelectedOption {
  name: string
  value: string
}

export interface ProductTable {
  id: Generated<string>
  slug: string
  title: string
  description: Generated<string>
  category_id: string | null
  active: Generated<boolean>
  created_at: CreatedAt
  options: ColumnType<ProductOption[], string | undefined, string>
  images: ColumnType<ProductImage[], string | undefined, string>
  archived_at: Date | string | null
  updated_at: UpdatedAt
}

export interface VariantTable {
  id: Generated<string>
  product_id: string
  sku: string
  barcode: string | null
  title: string
  price_minor: number
  currency_code: string
  tax_rate_bp: number
  position: Generated<number>
  active: Generated<boolean>
  created_at: CreatedAt
  selected_options: ColumnType<SelectedOption[], string | undefined, string>
  compare_at_price_minor: number | null
  archived_at: Date | string | null
  updated_at: UpdatedAt
}

export interface InventoryLevelTable {
  store_id: string
  variant_id: string
  on_hand: Generated<number>
  reserved: Generated<number>
  safety_stock: Generated<number>
  updated_at: UpdatedAt
}

/** A level announced as low and not back above its store's threshold since (one per crossing). */
export interface StockLowAlertTable {
  store_id: string
  variant_id: string
  since: Date | string
}

export type StaffRole = 'ADMIN' | 'MANAGER' | 'ASSOCIATE'

export interface StaffTable {
  id: Generated<string>
  email: string
  name: string
  /** Null until an invited member sets one through their link: nothing to sign in with. */
  password_hash: string | null
  role: StaffRole
  active: Generated<boolean>
  created_at: CreatedAt
  /** The staff board's language; null: the browser's. */
  locale: Locale | null
}

/** The stores a member works in: none for an admin, at least one for anyone else (checked at commit). */
export interface StaffStoreTable {
  staff_id: string
  store_id: string
}

export type StaffPasswordTokenPurpose = 'INVITE' | 'RESET'

/** A one-time link to set a password; only the SHA-256 of its secret is kept. */
export interface StaffPasswordTokenTable {
  id: Generated<string>
  staff_id: string
  purpose: StaffPasswordTokenPurpose
  secret_hash: string
  expires_at: Date | string
  used_at: Date | string | null
  created_at: CreatedAt
}

export interface StockMovementTable {
  id: BigSerial
  store_id: string
  variant_id: string
  on_hand_delta: number
  reserved_delta: Generated<number>
  reason: string
  order_id: string | null
  actor_type: string
  actor_id: string | null
  reference: string | null
  note: string | null
  created_at: CreatedAt
  transfer_id: string | null
  count_id: string | null
}

export type StockTransferStatus = 'CREATED' | 'SHIPPED' | 'RECEIVED' | 'CANCELLED'

export interface StockTransferTable {
  id: Generated<string>
  from_store_id: string
  to_store_id: string
  status: Generated<StockTransferStatus>
  created_by: string | null
  created_at: CreatedAt
  shipped_at: Date | null
  received_at: Date | null
  cancelled_at: Date | null
}

export type GiftCardActorType = 'STAFF' | 'TERMINAL' | 'CUSTOMER' | 'SYSTEM'
export type GiftCardIssuedChannel = Channel | 'BACK_OFFICE'
export type GiftCardMovementKind = 'ISSUE' | 'REDEEM' | 'REFUND' | 'RELEASE' | 'ADJUST'

export interface GiftCardTable {
  id: Generated<string>
  code_lookup: string
  code_hash: string
  last_characters: string
  currency_code: string
  initial_amount_minor: number
  balance_minor: number
  expires_at: Date | null
  customer_id: string | null
  issued_by_type: GiftCardActorType
  issued_by_id: string | null
  issued_channel: GiftCardIssuedChannel
  issued_store_id: string | null
  created_at: CreatedAt
}

export type GiftCardPurchaseStatus = 'PENDING_PAYMENT' | 'ISSUED' | 'FAILED'

/** An e-gift card bought online; it keeps its own payment state (payment rows belong to orders). */
export interface GiftCardPurchaseTable {
  id: Generated<string>
  amount_minor: number
  currency_code: string
  recipient_email: string
  message: string | null
  customer_id: string | null
  status: Generated<GiftCardPurchaseStatus>
  idempotency_key: string
  /** The PaymentIntent's id, once Stripe has answered. */
  provider_ref: string | null
  gift_card_id: string | null
  created_at: CreatedAt
  issued_at: Date | null
  /** What Stripe has refunded of it so far, taken off the card. */
  refunded_minor: Generated<number>
  /** Of that, what the card no longer held when the refund came (spent meanwhile). */
  refund_uncovered_minor: Generated<number>
}

export interface GiftCardMovementTable {
  id: BigSerial
  gift_card_id: string
  kind: GiftCardMovementKind
  amount_minor: number
  order_id: string | null
  actor_type: GiftCardActorType
  actor_id: string | null
  note: string | null
  created_at: CreatedAt
}

export interface StockTransferLineTable {
  transfer_id: string
  variant_id: string
  quantity: number
  shipped: number | null
  received: number | null
}

export type StockCountStatus = 'OPEN' | 'APPLIED'

export interface StockCountTable {
  id: Generated<string>
  store_id: string
  category_id: string | null
  status: Generated<StockCountStatus>
  opened_by: string | null
  opened_at: CreatedAt
  applied_by: string | null
  applied_at: Date | null
}

export interface StockCountLineTable {
  count_id: string
  variant_id: string
  expected: number
  /** bigint: pg hands it back as a string, like the ledger ids it is compared with. */
  seen_movement_id: ColumnType<string, string, string>
  counted: number | null
  recorded_by: string | null
  recorded_at: Date | null
}

export interface OutboxEventTable {
  id: BigSerial
  type: string
  aggregate_type: string
  aggregate_id: string
  payload: Json<Record<string, unknown>>
  created_at: CreatedAt
  published_at: Date | null
}

export interface CustomerTable {
  id: Generated<string>
  email: string
  name: string
  phone: string | null
  password_hash: string
  created_at: CreatedAt
  /** When customerErase anonymised the row; null for a live account. */
  erased_at: Date | string | null
  /** The language messages are written in; null: the store's. */
  locale: Locale | null
  /**
   * Where order messages go: the account email, a text message when the phone is E.164, a push to
   * the customer's app installs.
   */
  message_channels: ColumnType<MessageChannel[], MessageChannel[] | undefined, MessageChannel[]>
}

/** An app install a customer's order messages are pushed to; its token is the push service's. */
export interface CustomerPushDeviceTable {
  id: Generated<string>
  customer_id: string
  platform: PushPlatform
  token: string
  /** The retailer's app that registered it (its storefront key), when it sent one. */
  storefront_id: string | null
  created_at: CreatedAt
  /** The latest registration: an install re-registers its token on every start. */
  registered_at: ColumnType<Date, Date | string | undefined, Date | string>
}

/** rate-limiter-flexible's PostgreSQL layout; `expire` is epoch milliseconds (int8, read as a string). */
export interface AttemptCounterTable {
  key: string
  points: Generated<number>
  expire: string | number | null
}

export type Channel = 'WEB' | 'APP' | 'KIOSK' | 'POS'
export type CartStatus = 'ACTIVE' | 'MERGED' | 'CHECKED_OUT'

export interface CartTable {
  id: Generated<string>
  customer_id: string | null
  status: Generated<CartStatus>
  channel: Channel
  last_channel: Channel
  currency_code: string | null
  pickup_store_id: string | null
  merged_into_cart_id: string | null
  /** The storefront whose key the request that started the cart carried; null without one. */
  storefront_id: Generated<string | null>
  /** The discount codes entered, normalised; the cart is priced with them whenever it is read. */
  discount_codes: Generated<string[]>
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface CartLineTable {
  cart_id: string
  variant_id: string
  quantity: number
  /** The unit price the shopper was shown when the line (or the cart's store) last changed. */
  unit_price_minor: number
  position: BigSerial
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface CartTokenTable {
  token_hash: string
  cart_id: string
  channel: Channel
  created_at: CreatedAt
}

export interface CartHandoffTable {
  code_hash: string
  cart_id: string
  expires_at: Date | string
  claimed_at: Date | string | null
  claimed_channel: Channel | null
  created_at: CreatedAt
}

export interface CartEventTable {
  id: BigSerial
  cart_id: string
  customer_id: string | null
  type: string
  channel: Channel
  payload: Json<Record<string, unknown>>
  /** The device that made the change (channels/request-origin.ts); null when not known. */
  device: Generated<string | null>
  storefront_id: Generated<string | null>
  created_at: CreatedAt
}

export type OrderStatus =
  | 'PENDING_PAYMENT'
  | 'PLACED'
  | 'PREPARING'
  | 'READY_FOR_PICKUP'
  | 'COLLECTED'
  | 'CANCELLED'
  | 'EXPIRED'
export type PaymentMode = 'ONLINE' | 'AT_PICKUP' | 'IN_STORE'

export interface StoreOrderCounterTable {
  store_id: string
  last_number: Generated<number>
}

export interface PickupSlotBookingTable {
  store_id: string
  slot_start: Date | string
  booked: number
}

export interface SalesOrderTable {
  id: Generated<string>
  number: string
  store_id: string
  customer_id: string | null
  cart_id: string | null
  idempotency_key: string | null
  channel: Channel
  /** The storefront whose key the checkout carried; null without one (a till sale, a kiosk). */
  storefront_id: Generated<string | null>
  status: OrderStatus
  payment_mode: PaymentMode
  pickup_slot_start: Date | string | null
  pickup_slot_end: Date | string | null
  pickup_code_hash: string | null
  pickup_code_failures: Generated<number>
  currency_code: string
  subtotal_minor: number
  /** What promotions took off the subtotal: total = subtotal - discount. */
  discount_minor: Generated<number>
  tax_minor: number
  total_minor: number
  payment_due_at: Date | string | null
  ready_at: Date | string | null
  hold_until: Date | string | null
  collected_at: Date | string | null
  cancelled_at: Date | string | null
  cancel_reason: string | null
  arrived_at: Date | string | null
  /** Given at checkout; null for a signed-in customer, who is reached at their account email. */
  contact_email: string | null
  /** When the reminder before the hold ends was queued (order-timers job); null: not yet. */
  reminded_at: Date | string | null
  /** When its payments first covered its total; set once, and announced then as `order.paid`. */
  paid_at: Generated<Date | string | null>
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface OrderLineTable {
  order_id: string
  line_number: number
  variant_id: string
  sku: string
  title: string
  quantity: number
  missing_quantity: Generated<number>
  unit_price_minor: number
  tax_rate_bp: number
  /** Taken off the units bought (quantity + missing_quantity) by promotions; order_line_discount says which. */
  discount_minor: Generated<number>
}

export interface OrderLineDiscountTable {
  order_id: string
  line_number: number
  promotion_id: string
  /** The promotion's name and the code used when the order was placed: the receipt's snapshot. */
  promotion_name: string
  code: string | null
  amount_minor: number
}

/** A gift card sold by a till sale: issued (gift_card_id set) once the sale is paid. */
export interface OrderGiftCardTable {
  order_id: string
  position: number
  amount_minor: number
  expires_at: Date | null
  gift_card_id: string | null
}

export interface OrderStatusChangeTable {
  id: BigSerial
  order_id: string
  status: OrderStatus
  actor_type: string
  actor_id: string | null
  note: string | null
  at: CreatedAt
}

export interface CartHoldTable {
  cart_id: string
  variant_id: string
  store_id: string
  quantity: number
  expires_at: Date | string
}

export type PaymentProviderName = 'STRIPE' | 'STRIPE_TERMINAL' | 'CASH' | 'OFFLINE' | 'GIFT_CARD'
export type PaymentStatus = 'PENDING' | 'REQUIRES_ACTION' | 'AUTHORIZED' | 'CAPTURED' | 'VOIDED' | 'REFUNDED' | 'FAILED'

export interface PaymentTable {
  id: Generated<string>
  order_id: string
  provider: PaymentProviderName
  status: PaymentStatus
  amount_minor: number
  captured_minor: Generated<number>
  refunded_minor: Generated<number>
  currency_code: string
  provider_ref: string | null
  tendered_minor: number | null
  change_minor: number | null
  authorized_at: Date | string | null
  captured_at: Date | string | null
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface StripeEventTable {
  id: string
  type: string
  received_at: CreatedAt
}

/** An orderCollect taking the money before the hand-over (see handover-claim.repository.ts). */
export interface OrderHandoverClaimTable {
  order_id: string
  claim_id: string
  claimed_at: Date | string
}

export interface OrderReturnTable {
  id: Generated<string>
  order_id: string
  store_id: string
  refund_to: 'ORIGINAL' | 'CASH'
  refund_status: 'PENDING' | 'REFUNDED' | 'FAILED'
  amount_minor: number
  gift_card_minor: Generated<number>
  currency_code: string
  staff_id: string | null
  created_at: CreatedAt
}

export interface OrderReturnLineTable {
  return_id: string
  line_number: number
  quantity: number
}

export interface KioskTable {
  id: Generated<string>
  store_id: string
  name: string
  key_hash: string
  registered_by: string | null
  created_at: CreatedAt
  revoked_at: Date | string | null
}

export interface StorefrontTable {
  id: Generated<string>
  name: string
  channel: 'WEB' | 'APP'
  key_hash: string
  created_by: string | null
  created_at: CreatedAt
  revoked_at: Date | string | null
}

export interface PosTerminalTable {
  id: Generated<string>
  store_id: string
  label: string
  key_hash: string
  registered_by: string | null
  created_at: CreatedAt
  revoked_at: Date | string | null
  stripe_reader_id: string | null
}

/** One sign-in of a staff member or a customer; every token descended from it names it. */
export interface AuthSessionTable {
  id: Generated<string>
  staff_id: string | null
  customer_id: string | null
  created_at: CreatedAt
  revoked_at: Date | string | null
}

export interface RefreshTokenTable {
  token_hash: string
  session_id: string
  created_at: CreatedAt
  expires_at: Date | string
  used_at: Date | string | null
}

export type OrderMessageKind = 'ORDER_PLACED' | 'ORDER_READY' | 'ORDER_REMINDER' | 'ORDER_CANCELLED'
export type NotificationKind = OrderMessageKind | 'STAFF_INVITE' | 'STAFF_PASSWORD_RESET' | 'GIFT_CARD_ISSUED'
export type NotificationChannel = MessageChannel
/** SKIPPED: the order was no longer ready when its turn came (collected, cancelled, expired). */
export type NotificationStatus = 'PENDING' | 'SENT' | 'FAILED' | 'SKIPPED'

export interface NotificationTable {
  id: Generated<string>
  /** What the message is about: an order, or a staff member's password link (exactly one). */
  order_id: string | null
  password_token_id: string | null
  gift_card_purchase_id: string | null
  /** The link's clear secret (or a bought gift card's code), only while PENDING; wiped with its outcome. */
  link_secret: string | null
  kind: NotificationKind
  channel: NotificationChannel
  /** An email address, an E.164 phone number for SMS, or the customer's id for PUSH (their installs are read at send time). */
  recipient: string
  /** The language an order message is written in, chosen when it was queued. */
  locale: Locale | null
  status: Generated<NotificationStatus>
  attempts: Generated<number>
  next_attempt_at: Date | string
  claimed_until: Date | string | null
  sent_at: Date | string | null
  last_error: string | null
  created_at: CreatedAt
}

export type WebhookDeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED'

export interface WebhookEndpointTable {
  id: Generated<string>
  url: string
  description: Generated<string>
  /** Public event names (webhook-events.ts), e.g. order.placed. */
  events: string[]
  /** whsec_…, sealed (webhook-secret-box.ts): signs every delivery; never returned after creation. */
  secret: string
  /** The secret a rotation replaced, sealed: it signs too until previous_secret_until. */
  previous_secret: string | null
  previous_secret_until: Date | string | null
  consecutive_failures: Generated<number>
  failing_since: Date | string | null
  disabled_at: Date | string | null
  disabled_reason: string | null
  created_by: string | null
  created_at: CreatedAt
  updated_at: Generated<Date | string>
}

export interface WebhookDeliveryTable {
  id: Generated<string>
  endpoint_id: string
  /** The outbox event delivered: its id is the message's webhook-id. */
  event_id: string
  event_type: string
  /** The exact JSON text signed and sent, the same on every attempt. */
  body: string
  status: Generated<WebhookDeliveryStatus>
  attempts: Generated<number>
  next_attempt_at: Generated<Date | string>
  claimed_until: Date | string | null
  last_attempt_at: Date | string | null
  last_status_code: number | null
  last_response_excerpt: string | null
  last_duration_ms: number | null
  last_error: string | null
  delivered_at: Date | string | null
  created_at: CreatedAt
}

/** An override of a variant's base price; at least one of store_id and channel is set. */
export interface PriceOverrideTable {
  id: Generated<string>
  variant_id: string
  store_id: string | null
  channel: Channel | null
  amount_minor: number
  starts_at: Date | string | null
  ends_at: Date | string | null
  created_by: string | null
  created_at: CreatedAt
}

export type AuditChannel = 'BACK_OFFICE' | 'POS' | 'CLI' | 'SYSTEM'

export interface AuditEntryTable {
  id: BigSerial
  at: CreatedAt
  actor_type: string
  actor_id: string | null
  channel: AuditChannel
  client_address: string | null
  entity: string
  entity_id: string
  action: string
  before: Json<Record<string, unknown>> | null
  after: Json<Record<string, unknown>> | null
}

export type ImportKind = 'CATALOG' | 'STOCK'
export type ImportJobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED'
/** A bad line of an imported file: its 1-based line number and why it was refused. */
export interface ImportLineError {
  line: number
  message: string
}

export interface ImportJobTable {
  id: Generated<string>
  kind: ImportKind
  status: Generated<ImportJobStatus>
  dry_run: Generated<boolean>
  file_name: string
  processed: Generated<number>
  failed: Generated<number>
  changed: Generated<number>
  errors: ColumnType<ImportLineError[], string | undefined, string>
  failure: string | null
  created_by: string | null
  created_at: CreatedAt
  started_at: Date | string | null
  finished_at: Date | string | null
  updated_at: UpdatedAt
}

export type PromotionKindValue = 'AUTOMATIC' | 'CODE'
export type PromotionValueType = 'PERCENTAGE' | 'FIXED_AMOUNT'
export type PromotionTargetType = 'ORDER' | 'CATEGORIES' | 'PRODUCTS' | 'VARIANTS'

export interface PromotionTable {
  id: Generated<string>
  name: string
  kind: PromotionKindValue
  value_type: PromotionValueType
  /** Basis points for PERCENTAGE, minor units of currency_code for FIXED_AMOUNT. */
  value_amount: number
  currency_code: string | null
  target_type: PromotionTargetType
  target_ids: ColumnType<string[], string[] | undefined, string[]>
  buy_quantity: number | null
  get_quantity: number | null
  min_subtotal_minor: number | null
  min_quantity: number | null
  starts_at: Date | string | null
  ends_at: Date | string | null
  channels: ColumnType<Channel[], Channel[] | undefined, Channel[]>
  store_ids: ColumnType<string[], string[] | undefined, string[]>
  usage_limit: number | null
  usage_limit_per_customer: number | null
  times_used: Generated<number>
  combines_with_others: boolean
  priority: number
  archived_at: Date | string | null
  created_by: string | null
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface PromotionCodeTable {
  code: string
  promotion_id: string
}

export interface PromotionUsageTable {
  id: Generated<string>
  promotion_id: string
  order_id: string
  customer_id: string | null
  code: string | null
  amount_minor: number
  created_at: CreatedAt
  released_at: Date | string | null
}

/** What a store has learned of its preparation time (modules/readiness/ready-time.ts). */
export interface StorePrepStatsTable {
  store_id: string
  base_seconds: number
  per_unit_seconds: number
  samples: number
  learned_at: Date | string
}

/** The insights' ledger: carts and order milestones already in the rollups (modules/insights). */
export interface InsightCartSeenTable {
  cart_id: string
  day: string
  store_id: string | null
  channel: Channel
}

export interface InsightOrderSeenTable {
  order_id: string
  /** A bit per milestone already counted (insights/insight-milestones.ts). */
  counted: Generated<number>
}

export interface InsightCartDailyTable {
  day: string
  store_id: string | null
  channel: Channel
  carts_started: number
}

export interface InsightOrderDailyTable {
  day: string
  store_id: string
  channel: Channel
  currency_code: string
  orders_placed: number
  cross_device: number
  pos_sales: number
  basket_minor: ColumnType<string, number, number>
  ready: number
  ready_before_slot: number
  collected: number
  revenue_minor: ColumnType<string, number, number>
  expired: number
  cancelled: number
  returned: number
}

export interface InsightDurationDailyTable {
  day: string
  store_id: string
  channel: Channel
  metric: number
  /** The buckets' counts packed in one numeric, read as text (insights/insight-histogram.ts). */
  histogram: string
}

export interface Database {
  store: StoreTable
  store_prep_stats: StorePrepStatsTable
  category: CategoryTable
  product: ProductTable
  variant: VariantTable
  price_override: PriceOverrideTable
  promotion: PromotionTable
  promotion_code: PromotionCodeTable
  promotion_usage: PromotionUsageTable
  audit_entry: AuditEntryTable
  import_job: ImportJobTable
  inventory_level: InventoryLevelTable
  stock_low_alert: StockLowAlertTable
  staff: StaffTable
  staff_store: StaffStoreTable
  staff_password_token: StaffPasswordTokenTable
  stock_movement: StockMovementTable
  stock_transfer: StockTransferTable
  gift_card: GiftCardTable
  gift_card_movement: GiftCardMovementTable
  gift_card_purchase: GiftCardPurchaseTable
  stock_transfer_line: StockTransferLineTable
  stock_count: StockCountTable
  stock_count_line: StockCountLineTable
  outbox_event: OutboxEventTable
  customer: CustomerTable
  customer_push_device: CustomerPushDeviceTable
  attempt_counter: AttemptCounterTable
  cart: CartTable
  cart_line: CartLineTable
  cart_token: CartTokenTable
  cart_handoff: CartHandoffTable
  cart_event: CartEventTable
  store_order_counter: StoreOrderCounterTable
  pickup_slot_booking: PickupSlotBookingTable
  sales_order: SalesOrderTable
  order_line: OrderLineTable
  order_line_discount: OrderLineDiscountTable
  order_gift_card: OrderGiftCardTable
  order_status_change: OrderStatusChangeTable
  cart_hold: CartHoldTable
  payment: PaymentTable
  stripe_event: StripeEventTable
  order_handover_claim: OrderHandoverClaimTable
  order_return: OrderReturnTable
  order_return_line: OrderReturnLineTable
  pos_terminal: PosTerminalTable
  kiosk: KioskTable
  storefront: StorefrontTable
  notification: NotificationTable
  webhook_endpoint: WebhookEndpointTable
  webhook_delivery: WebhookDeliveryTable
  auth_session: AuthSessionTable
  refresh_token: RefreshTokenTable
  insight_cart_seen: InsightCartSeenTable
  insight_order_seen: InsightOrderSeenTable
  insight_cart_daily: InsightCartDailyTable
  insight_order_daily: InsightOrderDailyTable
  insight_duration_daily: InsightDurationDailyTable
}

export type StoreRow = Selectable<StoreTable>
export type StorePrepStatsRow = Selectable<StorePrepStatsTable>
export type CategoryRow = Selectable<CategoryTable>
export type ProductRow = Selectable<ProductTable>
export type VariantRow = Selectable<VariantTable>
export type PromotionRow = Selectable<PromotionTable>
export type OrderLineDiscountRow = Selectable<OrderLineDiscountTable>
export type OrderGiftCardRow = Selectable<OrderGiftCardTable>
export type PriceOverrideRow = Selectable<PriceOverrideTable>
export type AuditEntryRow = Selectable<AuditEntryTable>
export type ImportJobRow = Selectable<ImportJobTable>
export type InventoryLevelRow = Selectable<InventoryLevelTable>
export type StaffRow = Selectable<StaffTable>
export type WebhookEndpointRow = Selectable<WebhookEndpointTable>
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>
export type StaffPasswordTokenRow = Selectable<StaffPasswordTokenTable>
export type StockMovementRow = Selectable<StockMovementTable>
export type NewStockMovement = Insertable<StockMovementTable>
export type StockTransferRow = Selectable<StockTransferTable>
export type GiftCardRow = Selectable<GiftCardTable>
export type GiftCardMovementRow = Selectable<GiftCardMovementTable>
export type GiftCardPurchaseRow = Selectable<GiftCardPurchaseTable>
export type StockTransferLineRow = Selectable<StockTransferLineTable>
export type StockCountRow = Selectable<StockCountTable>
export type StockCountLineRow = Selectable<StockCountLineTable>
export type CustomerRow = Selectable<CustomerTable>
export type CartRow = Selectable<CartTable>
export type CartLineRow = Selectable<CartLineTable>
export type SalesOrderRow = Selectable<SalesOrderTable>
export type OrderLineRow = Selectable<OrderLineTable>
export type OrderStatusChangeRow = Selectable<OrderStatusChangeTable>
export type CartHoldRow = Selectable<CartHoldTable>
export type PaymentRow = Selectable<PaymentTable>
export type OrderReturnRow = Selectable<OrderReturnTable>
export type PosTerminalRow = Selectable<PosTerminalTable>
export type KioskRow = Selectable<KioskTable>
export type StorefrontRow = Selectable<StorefrontTable>
export type NotificationRow = Selectable<NotificationTable>
