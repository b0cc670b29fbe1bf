import { z } from 'zod'
import { parseTrustedProxies } from './http/client-address.js'

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1')

/**
 * A host, or the directory of a Unix socket (`postgres:///db?host=/var/run/postgresql&user=app`), as
 * libpq and node-postgres read it: on the database's own machine a socket skips the TCP stack on
 * every round trip.
 */
const postgresUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value)
      return (
        (url.protocol === 'postgres:' || url.protocol === 'postgresql:') &&
        (url.hostname !== '' || unixSocketDirectoryOf(url) !== null)
      )
    } catch {
      return false
    }
  },
  { message: 'must be a postgres:// or postgresql:// URL with a host, or ?host=/socket/directory' },
)

/** The directory of the Unix socket a PostgreSQL URL names in `?host=`, if it names one. */
export function unixSocketDirectoryOf(url: URL): string | null {
  const host = url.searchParams.get('host')
  return host?.startsWith('/') ? host : null
}

const smtpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value)
      return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== ''
    } catch {
      return false
    }
  },
  { message: 'must be an smtp:// or smtps:// URL with a host, e.g. smtp://user:pass@mail.example.com:587' },
)

/** `address@domain` or `Display Name <address@domain>`. */
const mailbox = z
  .string()
  .regex(
    /^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
    'must be an address, e.g. Shop <no-reply@shop.example>',
  )

/** Comma-separated browser origins, each exactly as a browser sends it: scheme, host, port. */
const originList = z
  .string()
  .transform((value) => value.split(',').map((origin) => origin.trim()))
  .refine((origins) => origins.every(isOrigin), {
    message: 'must be a comma-separated list of origins, e.g. https://shop.example,https://kiosk.shop.example',
  })

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value
  } catch {
    return false
  }
}

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max)

const redisUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value)
      return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== ''
    } catch {
      return false
    }
  },
  { message: 'must be a redis:// or rediss:// URL with a host' },
)

/** Addresses and CIDR blocks, comma-separated: `10.0.0.0/8, 192.168.1.7, fd00::/8`. */
const addressList = z.string().refine(
  (value) => {
    try {
      parseTrustedProxies(value)
      return true
    } catch {
      return false
    }
  },
  { message: 'must be comma-separated IP addresses or CIDR blocks, e.g. 10.0.0.0/8,192.168.1.7' },
)

const httpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value)
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== ''
    } catch {
      return false
    }
  },
  { message: 'must be an http:// or https:// URL' },
)

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  PUBLIC_URL: z.url().optional(),
  STOREFRONT_URL: z.url().optional(),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\w+$/, 'must be a Stripe secret key (sk_… or rk_…)')
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_\w+$/, 'must be a webhook signing secret (whsec_…)')
    .optional(),
  STRIPE_API_BASE: z.url().optional(),
  PAYMENT_PROVIDER: z.enum(['stripe', 'offline']).optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  CORS_ORIGINS: originList.optional(),
  CART_RESERVATIONS: booleanFlag.default(false),
  CART_HOLD_MINUTES_GUEST: positiveInt(24 * 60).default(15),
  CART_HOLD_MINUTES_CUSTOMER: positiveInt(24 * 60).default(30),
  ORDER_PAYMENT_TIMEOUT_MINUTES: positiveInt(24 * 60).default(15),
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_MAX: positiveInt(500).default(10),
  DATABASE_POOL_MODE: z.enum(['session', 'transaction']).default('session'),
  DATABASE_PREPARED_STATEMENTS: booleanFlag.optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  MIGRATE_ON_START: booleanFlag.default(true),
  SEED_ON_START: booleanFlag.optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // Short by rule: a stolen access token is good for minutes; sessions go on with refresh tokens.
  ACCESS_TOKEN_TTL_MINUTES: positiveInt(15).default(15),
  REFRESH_TOKEN_TTL_DAYS: positiveInt(365).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GRAPHQL_INTROSPECTION: booleanFlag.optional(),
  GRAPHIQL: booleanFlag.optional(),
  REQUIRE_STOREFRONT_KEY: booleanFlag.default(false),
  GRAPHQL_MAX_DEPTH: positiveInt(100).default(12),
  GRAPHQL_MAX_COST: positiveInt(1_000_000).default(20_000),
  GRAPHQL_MAX_ALIASES: positiveInt(1000).default(20),
  GRAPHQL_MAX_TOKENS: positiveInt(100_000).default(3000),
  // An upload (catalogImport's file) is held in memory while its job runs: bigger files go
  // through `npm run import`, which streams from disk.
  GRAPHQL_MAX_UPLOAD_BYTES: positiveInt(1024 * 1024 * 1024).default(32 * 1024 * 1024),
  SHUTDOWN_GRACE_MS: positiveInt(600_000).default(10_000),
  OUTBOX_POLL_MS: positiveInt(3_600_000).default(500),
  SCHEDULER_ENABLED: booleanFlag.default(true),
  WEBHOOKS_IN_SERVER: booleanFlag.default(true),
  WEBHOOK_POLL_MS: positiveInt(3_600_000).default(1_000),
  WEBHOOK_SECRETS_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  // Comma-separated: the keys a rotation replaced, kept until every secret is sealed again.
  WEBHOOK_SECRETS_PREVIOUS_KEYS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((key) => key.trim())
        .filter((key) => key.length > 0),
    )
    .pipe(z.array(z.string().min(32, 'must hold keys of at least 32 characters')))
    .optional(),
  CART_EMPTY_TTL_HOURS: positiveInt(24 * 365).default(6),
  CART_ANONYMOUS_TTL_DAYS: positiveInt(3650).default(30),
  CART_CUSTOMER_TTL_DAYS: positiveInt(3650).default(90),
  OUTBOX_RETENTION_DAYS: positiveInt(3650).default(30),
  STRIPE_EVENT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(
      7,
      'must be at least 7: Stripe redelivers an event for up to 3 days, and a forgotten event id is processed again',
    )
    .max(3650)
    .default(90),
  CART_EVENT_RETENTION_DAYS: positiveInt(3650).default(365),
  WEBHOOK_DELIVERY_RETENTION_DAYS: positiveInt(3650).default(30),
  PUSH_DEVICE_RETENTION_DAYS: positiveInt(3650).default(270),
  SMTP_URL: smtpUrl.optional(),
  MAIL_FROM: mailbox.default('Comptoir <no-reply@comptoir.dev>'),
  SMS_WEBHOOK_URL: httpUrl.optional(),
  SMS_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters').max(512).optional(),
  SMS_WEBHOOK_TIMEOUT_MS: positiveInt(60_000).default(5_000),
  PUSH_WEBHOOK_URL: httpUrl.optional(),
  PUSH_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters').max(512).optional(),
  PUSH_WEBHOOK_TIMEOUT_MS: positiveInt(60_000).default(5_000),
  ORDER_REMINDER_LEAD_MINUTES: z.coerce.number().int().min(0).max(10_080).default(120),
  REDIS_URL: redisUrl.optional(),
  TRUST_PROXY: addressList.optional(),
  RATE_LIMIT_REQUESTS_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).optional(),
})

/** Never echoed back in a configuration error: they carry credentials. */
const SECRET_VARIABLES = new Set([
  'SMTP_URL',
  'SMS_WEBHOOK_SECRET',
  'PUSH_WEBHOOK_SECRET',
  'DATABASE_URL',
  'JWT_SECRET',
  'WEBHOOK_SECRETS_KEY',
  'WEBHOOK_SECRETS_PREVIOUS_KEYS',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'REDIS_URL',
  'METRICS_TOKEN',
])

export type Env = z.input<typeof envSchema>

export interface Config {
  env: 'development' | 'production' | 'test'
  host: string
  port: number
  publicUrl: string
  /** Where shoppers' links (cart hand-off QR codes) point: the retailer's storefront. */
  storefrontUrl: string
  orders: { paymentTimeoutMinutes: number }
  database:
    | {
        kind: 'postgres'
        url: string
        poolMax: number
        /** transaction: behind a transaction pooler (PgBouncer's pool_mode = transaction), no session state. */
        poolMode: 'session' | 'transaction'
        /** Named prepared statements for the hot statements; off by default behind a transaction pooler. */
        preparedStatements: boolean
      }
    | { kind: 'embedded'; dataDir: string }
  migrateOnStart: boolean
  seedOnStart: boolean
  /** null: generate and keep a development key under DATA_DIR (embedded default only). */
  jwtSecret: string | null
  accessTokenTtlMinutes: number
  refreshTokenTtlDays: number
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL']
  graphql: {
    introspection: boolean
    graphiql: boolean
    maxDepth: number
    maxCost: number
    maxAliases: number
    maxTokens: number
    /** Browser origins allowed to call /graphql; none (same origin only) when empty. */
    corsOrigins: string[]
    /** The largest multipart request (a file upload); every other request keeps the 1 MiB cap. */
    maxUploadBytes: number
  }
  metrics: MetricsConfig
  shutdownGraceMs: number
  /** How often the outbox dispatcher looks for events that no local mutation signalled. */
  outboxPollMs: number
  /** Run the background jobs in the server; false when `npm run jobs` runs them elsewhere. */
  schedulerEnabled: boolean
  /**
   * inServer: the server sends the webhooks its outbox queues; false where `npm run webhooks`
   * sends them from a process of its own. pollMs: how often a sender looks for deliveries it was
   * not handed (retries fallen due, deliveries another process queued). secretsKey seals the
   * endpoints' signing secrets in the database (null: a development key generated into DATA_DIR);
   * previousSecretsKeys still open what they sealed, while a rotation is under way.
   */
  webhooks: { inServer: boolean; pollMs: number; secretsKey: string | null; previousSecretsKeys: string[] }
  /** How long an idle cart is kept, by kind; checked-out carts are kept with their order. */
  carts: { emptyTtlHours: number; anonymousTtlDays: number; customerTtlDays: number }
  /** How long rows kept only for bookkeeping live before the retention job deletes them. */
  retention: RetentionPeriods
  /** null: carts hold no stock (the default); otherwise how long a cart holds its lines. */
  cartHolds: CartHoldPolicy | null
  /**
   * REQUIRE_STOREFRONT_KEY: refuse cart writes and checkouts from requests carrying no storefront,
   * kiosk or terminal key. Off by default: a keyless request is an anonymous storefront, WEB or
   * APP as it says, recorded without a storefront (channels/request-origin.ts).
   */
  channels: { requireStorefrontKey: boolean }
  /**
   * null: the offline provider, which approves every payment: only on the embedded demo database,
   * or with PAYMENT_PROVIDER=offline, and never in production.
   */
  stripe: StripeConfig | null
  notifications: NotificationConfig
  messages: MessagesConfig
  limits: LimitsConfig
}

/** Order messages beyond email: text messages, pushes and the reminder before a hold ends. */
export interface MessagesConfig {
  /**
   * SMS_WEBHOOK_URL and SMS_WEBHOOK_SECRET: text messages are POSTed there as signed JSON; null:
   * they are written to the log.
   */
  textWebhook: { url: string; secret: string; timeoutMs: number } | null
  /**
   * PUSH_WEBHOOK_URL and PUSH_WEBHOOK_SECRET: pushes to app installs are POSTed there as signed
   * JSON; null: they are written to the log.
   */
  pushWebhook: { url: string; secret: string; timeoutMs: number } | null
  /** How long before a ready order's hold ends its shopper is reminded; 0: never. */
  reminderLeadMinutes: number
}

export interface LimitsConfig {
  /**
   * The Redis shared by every instance (REDIS_URL): attempt counters, the request budget and the
   * live updates' pub/sub. null keeps the counters in PostgreSQL and memory and live updates in process.
   */
  redisUrl: string | null
  /** The proxies whose X-Forwarded-For is believed (addresses and CIDR blocks); empty: the socket's peer is the client. */
  trustProxy: string
  /** Requests per client address per minute on /graphql and the webhook; 0 turns the budget off. */
  requestsPerMinute: number
}

export interface RetentionPeriods {
  /** Outbox events, counted from their delivery; undelivered ones are never deleted. */
  deliveredOutboxDays: number
  /** Stripe event ids kept to recognise a redelivered webhook. */
  stripeEventDays: number
  /** Cart journey events (analytics and the customer timeline). */
  cartEventDays: number
  /** Outgoing webhook deliveries, counted from their last attempt; pending ones are never deleted. */
  webhookDeliveryDays: number
  /** App installs pushes go to, counted from their latest registration (an app registers on every start). */
  pushDeviceDays: number
}

/**
 * Where Prometheus scrapes: with `port`, on a listener of its own and not on the public port;
 * otherwise on the public port, only with `Authorization: Bearer <token>`. Neither: not served.
 */
export interface MetricsConfig {
  token: string | null
  port: number | null
}

export interface NotificationConfig {
  /** null: messages are written to the log instead of being sent. Holds the SMTP password. */
  smtpUrl: string | null
  mailFrom: string
}

export interface CartHoldPolicy {
  guestMinutes: number
  customerMinutes: number
}

export interface StripeConfig {
  secretKey: string
  webhookSecret: string
  /** Another API host (a local fake in tests, stripe-mock); Stripe's own when null. */
  apiBase: { host: string; port: number; protocol: 'http' | 'https' } | null
}

export class ConfigError extends Error {}

/**
 * What the configuration is for: the server (and the jobs) need their secrets; a database tool
 * (migrate, import) only the database, so it runs without the API's JWT and Stripe secrets; the
 * webhook sender (`npm run webhooks`) the database and the key that opens the signing secrets.
 */
export type ConfigPurpose = 'server' | 'webhook-sender' | 'database-tool'

/** Reads the environment once; any bad value is one line naming the variable. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  purpose: ConfigPurpose = 'server',
): Config {
  const parsed = envSchema.safeParse(withoutEmptyValues(env))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const name = String(issue?.path[0] ?? 'environment')
    const got = SECRET_VARIABLES.has(name) ? 'value not shown' : `got ${JSON.stringify(env[name])}`
    throw new ConfigError(`Invalid configuration: ${name} ${issue?.message ?? 'is invalid'} (${got})`)
  }
  const e = parsed.data
  const production = e.NODE_ENV === 'production'
  if (production && !e.DATABASE_URL) {
    throw new ConfigError('Invalid configuration: DATABASE_URL is required when NODE_ENV=production')
  }
  if (purpose === 'server') checkServerSecrets(e)
  if (purpose !== 'database-tool') checkWebhookSecretsKey(e)
  // Nothing else may open the embedded database while the server has it (db/embedded-lock.ts),
  // so `npm run webhooks` cannot run beside it and the deliveries would wait forever.
  if (!e.WEBHOOKS_IN_SERVER && !e.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration: WEBHOOKS_IN_SERVER=false needs DATABASE_URL (`npm run webhooks` cannot share the embedded database with the server)',
    )
  }
  if (e.METRICS_PORT && e.METRICS_PORT === e.PORT) {
    throw new ConfigError(
      'Invalid configuration: METRICS_PORT must differ from PORT (metrics get a listener of their own)',
    )
  }
  if (e.STRIPE_SECRET_KEY && !e.STRIPE_WEBHOOK_SECRET) {
    throw new ConfigError(
      'Invalid configuration: STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY (payments settle through webhooks)',
    )
  }
  if (e.SMS_WEBHOOK_URL && !e.SMS_WEBHOOK_SECRET) {
    throw new ConfigError(
      'Invalid configuration: SMS_WEBHOOK_SECRET is required with SMS_WEBHOOK_URL (every request is signed with it)',
    )
  }
  if (e.PUSH_WEBHOOK_URL && !e.PUSH_WEBHOOK_SECRET) {
    throw new ConfigError(
      'Invalid configuration: PUSH_WEBHOOK_SECRET is required with PUSH_WEBHOOK_URL (every request is signed with it)',
    )
  }
  if (production && e.SEED_ON_START) {
    throw new ConfigError(
      'Invalid configuration: SEED_ON_START would create demo accounts and is refused when NODE_ENV=production',
    )
  }
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    orders: { paymentTimeoutMinutes: e.ORDER_PAYMENT_TIMEOUT_MINUTES },
    storefrontUrl: e.STOREFRONT_URL ?? e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    database: e.DATABASE_URL
      ? {
          kind: 'postgres',
          url: e.DATABASE_URL,
          poolMax: e.DATABASE_POOL_MAX,
          poolMode: e.DATABASE_POOL_MODE,
          // PgBouncer before 1.21 hands a connection's named statements to other clients.
          preparedStatements: e.DATABASE_PREPARED_STATEMENTS ?? e.DATABASE_POOL_MODE === 'session',
        }
      : { kind: 'embedded', dataDir: e.DATA_DIR },
    migrateOnStart: e.MIGRATE_ON_START,
    seedOnStart: e.SEED_ON_START ?? (!production && !e.DATABASE_URL),
    jwtSecret: e.JWT_SECRET ?? null,
    accessTokenTtlMinutes: e.ACCESS_TOKEN_TTL_MINUTES,
    refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
    logLevel: e.LOG_LEVEL,
    graphql: {
      introspection: e.GRAPHQL_INTROSPECTION ?? !production,
      graphiql: e.GRAPHIQL ?? !production,
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxCost: e.GRAPHQL_MAX_COST,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      corsOrigins: e.CORS_ORIGINS ?? [],
      maxUploadBytes: e.GRAPHQL_MAX_UPLOAD_BYTES,
    },
    metrics: { token: e.METRICS_TOKEN ?? null, port: e.METRICS_PORT ?? null },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    outboxPollMs: e.OUTBOX_POLL_MS,
    schedulerEnabled: e.SCHEDULER_ENABLED,
    webhooks: {
      inServer: e.WEBHOOKS_IN_SERVER,
      pollMs: e.WEBHOOK_POLL_MS,
      secretsKey: e.WEBHOOK_SECRETS_KEY ?? null,
      previousSecretsKeys: e.WEBHOOK_SECRETS_PREVIOUS_KEYS ?? [],
    },
    stripe:
      e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET
        ? {
            secretKey: e.STRIPE_SECRET_KEY,
            webhookSecret: e.STRIPE_WEBHOOK_SECRET,
            apiBase: apiBaseOf(e.STRIPE_API_BASE),
          }
        : null,
    cartHolds: e.CART_RESERVATIONS
      ? { guestMinutes: e.CART_HOLD_MINUTES_GUEST, customerMinutes: e.CART_HOLD_MINUTES_CUSTOMER }
      : null,
    channels: { requireStorefrontKey: e.REQUIRE_STOREFRONT_KEY },
    carts: {
      emptyTtlHours: e.CART_EMPTY_TTL_HOURS,
      anonymousTtlDays: e.CART_ANONYMOUS_TTL_DAYS,
      customerTtlDays: e.CART_CUSTOMER_TTL_DAYS,
    },
    retention: {
      deliveredOutboxDays: e.OUTBOX_RETENTION_DAYS,
      stripeEventDays: e.STRIPE_EVENT_RETENTION_DAYS,
      cartEventDays: e.CART_EVENT_RETENTION_DAYS,
      webhookDeliveryDays: e.WEBHOOK_DELIVERY_RETENTION_DAYS,
      pushDeviceDays: e.PUSH_DEVICE_RETENTION_DAYS,
    },
    notifications: { smtpUrl: e.SMTP_URL ?? null, mailFrom: e.MAIL_FROM },
    messages: {
      textWebhook: e.SMS_WEBHOOK_URL
        ? { url: e.SMS_WEBHOOK_URL, secret: e.SMS_WEBHOOK_SECRET ?? '', timeoutMs: e.SMS_WEBHOOK_TIMEOUT_MS }
        : null,
      pushWebhook: e.PUSH_WEBHOOK_URL
        ? { url: e.PUSH_WEBHOOK_URL, secret: e.PUSH_WEBHOOK_SECRET ?? '', timeoutMs: e.PUSH_WEBHOOK_TIMEOUT_MS }
        : null,
      reminderLeadMinutes: e.ORDER_REMINDER_LEAD_MINUTES,
    },
    limits: {
      redisUrl: e.REDIS_URL ?? null,
      trustProxy: e.TRUST_PROXY ?? '',
      // Off under test: app.request() has no socket, so every test request would share one budget.
      requestsPerMinute: e.RATE_LIMIT_REQUESTS_PER_MINUTE ?? (e.NODE_ENV === 'test' ? 0 : DEFAULT_REQUESTS_PER_MINUTE),
    },
  }
}

/** Ten a second on average per client address: a store's tills behind one NAT stay far below it. */
const DEFAULT_REQUESTS_PER_MINUTE = 600

type ParsedEnv = z.infer<typeof envSchema>

function checkServerSecrets(e: ParsedEnv): void {
  const production = e.NODE_ENV === 'production'
  if (production && !e.JWT_SECRET) {
    throw new ConfigError('Invalid configuration: JWT_SECRET is required when NODE_ENV=production')
  }
  if (production && !e.STRIPE_SECRET_KEY) {
    throw new ConfigError(
      'Invalid configuration: STRIPE_SECRET_KEY is required when NODE_ENV=production (the offline payment provider is for demos and tests)',
    )
  }
  checkPaymentProvider(e)
}

/** Outside production a key is generated into DATA_DIR (runtime.ts webhookSecretBoxFor). */
function checkWebhookSecretsKey(e: ParsedEnv): void {
  if (e.NODE_ENV === 'production' && !e.WEBHOOK_SECRETS_KEY) {
    throw new ConfigError(
      'Invalid configuration: WEBHOOK_SECRETS_KEY is required when NODE_ENV=production (it seals the signing secrets of webhook endpoints in the database)',
    )
  }
}

/**
 * The offline provider approves every payment without taking any money: fine for the embedded
 * demo, a loss on a real database. There it must be asked for by name, so that a server whose
 * Stripe keys went missing refuses to start instead of handing goods over for free.
 */
function checkPaymentProvider(e: ParsedEnv): void {
  const provider = e.PAYMENT_PROVIDER
  if (provider === 'offline' && e.STRIPE_SECRET_KEY) {
    throw new ConfigError(
      'Invalid configuration: PAYMENT_PROVIDER=offline contradicts STRIPE_SECRET_KEY (unset one of them)',
    )
  }
  if (provider === 'stripe' && !e.STRIPE_SECRET_KEY) {
    throw new ConfigError(
      'Invalid configuration: PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET',
    )
  }
  if (!provider && !e.STRIPE_SECRET_KEY && e.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration: STRIPE_SECRET_KEY is required with DATABASE_URL; set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, or PAYMENT_PROVIDER=offline to approve every payment without taking money (demos and tests only)',
    )
  }
}

function withoutEmptyValues(env: Record<string, string | undefined>) {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''))
}

function apiBaseOf(url: string | undefined): StripeConfig['apiBase'] {
  if (!url) return null
  const parsed = new URL(url)
  const protocol = parsed.protocol === 'http:' ? 'http' : 'https'
  return { host: parsed.hostname, port: Number(parsed.port || (protocol === 'http' ? 80 : 443)), protocol }
}
