import type { AppDependencies } from '../app.js'
import { createAccessTokenIssuer } from '../auth/access-token.js'
import { createPickupSecrets } from '../auth/pickup-secrets.js'
import { createLogger, type Logger } from '../logger.js'
import { paymentsFor } from '../modules/payments/payment-setup.js'
import { createWebhookSecretBox } from '../modules/webhooks/webhook-secret-box.js'
import { cloudflarePeerAddress } from './cloudflare-peer.js'
import { type WorkerConfig, type WorkerEnv, workerConfigOf } from './worker-env.js'

/** What an isolate builds once and every invocation reuses: nothing here holds a connection. */
export interface IsolateServices extends WorkerConfig {
  logger: Logger
  /**
   * createApp's dependencies but the database, which each invocation opens for itself, and the
   * metrics registry, whose database gauges read that invocation's pool (createApp makes one).
   */
  app: Omit<AppDependencies, 'db'>
}

const byEnv = new WeakMap<WorkerEnv, IsolateServices>()

/**
 * Config, keys, logger and the Stripe client (it calls out through fetch, a request's own I/O)
 * are built once per isolate and bindings object: reading them again on every request would
 * cost CPU for nothing.
 */
export function isolateServicesFor(env: WorkerEnv): IsolateServices {
  let services = byEnv.get(env)
  if (!services) {
    services = buildServices(workerConfigOf(env))
    byEnv.set(env, services)
  }
  return services
}

function buildServices(workerConfig: WorkerConfig): IsolateServices {
  const { config, jwtSecret, webhookSecretsKey } = workerConfig
  // Workers collect what a worker writes to the console, one line per entry.
  const logger = createLogger(config.logLevel, { write: (line: string) => console.log(line.trimEnd()) })
  return {
    ...workerConfig,
    logger,
    app: {
      config,
      logger,
      accessTokens: createAccessTokenIssuer(jwtSecret, config),
      pickupSecrets: createPickupSecrets(jwtSecret),
      webhookSecrets: createWebhookSecretBox({
        current: webhookSecretsKey,
        previous: config.webhooks.previousSecretsKeys,
      }),
      payments: paymentsFor(config.stripe),
      compileQueries: false,
      subscriptionsElsewhere: { nodeUrl: workerConfig.liveUpdatesUrl },
      peerAddressOf: cloudflarePeerAddress,
    },
  }
}
