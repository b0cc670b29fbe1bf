import { z } from 'zod'
import { type Config, ConfigError, loadConfig } from '../config.js'

/** What Cloudflare hands the worker: the Hyperdrive binding, and the vars and secrets of wrangler.toml. */
export interface WorkerEnv {
  /** `[[hyperdrive]]` in wrangler.toml: a connection string to Hyperdrive's pool in front of PostgreSQL. */
  HYPERDRIVE?: { connectionString: string }
  [name: string]: unknown
}

export interface WorkerConfig {
  config: Config
  /** Where this invocation's database client connects: Hyperdrive, else DATABASE_URL. */
  databaseUrl: string
  jwtSecret: string
  /** WEBHOOK_SECRETS_KEY: seals the webhook endpoints' signing secrets. */
  webhookSecretsKey: string
  /** LIVE_UPDATES_URL: the Node deployment that serves subscriptions, named in the refusal here. */
  liveUpdatesUrl: string | null
}

/**
 * The same validated configuration as the Node server, from the worker's bindings. Workers have
 * no disk for the generated development key or the embedded database, so a database (Hyperdrive
 * or DATABASE_URL), JWT_SECRET and WEBHOOK_SECRETS_KEY are required in every environment.
 */
export function workerConfigOf(env: WorkerEnv): WorkerConfig {
  const vars: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') vars[name] = value
  const databaseUrl = env.HYPERDRIVE?.connectionString ?? vars.DATABASE_URL
  if (!databaseUrl) {
    throw new ConfigError('Workers need a database: bind Hyperdrive as HYPERDRIVE (wrangler.toml) or set DATABASE_URL')
  }
  const config = loadConfig({ ...vars, DATABASE_URL: databaseUrl, NODE_ENV: vars.NODE_ENV ?? 'production' })
  if (!config.jwtSecret) throw new ConfigError('Workers need JWT_SECRET: `npx wrangler secret put JWT_SECRET`')
  const webhookSecretsKey = config.webhooks.secretsKey
  if (!webhookSecretsKey) {
    throw new ConfigError('Workers need WEBHOOK_SECRETS_KEY: `npx wrangler secret put WEBHOOK_SECRETS_KEY`')
  }
  if (vars.SMTP_URL) {
    // nodemailer needs raw TCP and TLS sockets, which this runtime's Node layer lacks: refused
    // here rather than failing at every send.
    throw new ConfigError(
      'Invalid configuration: SMTP_URL is not supported on Workers; leave it unset (notifications are logged)',
    )
  }
  const liveUpdatesUrl = z.url().optional().safeParse(vars.LIVE_UPDATES_URL)
  if (!liveUpdatesUrl.success) throw new ConfigError('Invalid configuration: LIVE_UPDATES_URL must be a URL')
  return {
    config,
    databaseUrl,
    jwtSecret: config.jwtSecret,
    webhookSecretsKey,
    liveUpdatesUrl: liveUpdatesUrl.data ?? null,
  }
}
