import type { Logger } from 'pino'
import type { AccessTokenIssuer } from '../auth/access-token.js'
import type { PickupSecrets } from '../auth/pickup-secrets.js'
import type { Viewer } from '../auth/viewer.js'
import type { Config } from '../config.js'
import type { Db } from '../db/create-db.js'
import type { ClientAttempts } from '../limits/attempt-limits.js'
import type { RequestOrigin } from '../modules/channels/request-origin.js'
import type { AppPubSub } from '../modules/events/pubsub.js'
import type { AppPayments } from '../modules/payments/payment-setup.js'
import type { Credential } from '../modules/sessions/credential.js'
import type { WebhookSecretBox } from '../modules/webhooks/webhook-secret-box.js'

/** What every resolver receives. Built per request in graphql/yoga.ts. */
export interface GraphQLContext {
  db: Db
  /** The client's address, as http/client-address.ts decides it. */
  clientAddress: string
  /** Guesses of secrets (passwords, hand-off codes) from this client, counted before they are checked. */
  attempts: ClientAttempts
  viewer: Viewer
  /** What the request presented to be `viewer`; subscriptions check it again on every event. */
  credential: Credential
  /** Where the request comes from, as its terminal, kiosk or storefront key proves it; cart writes take their channel from it. */
  origin: RequestOrigin
  /** The secret X-Cart-Token the request carried, which opens an anonymous cart. */
  cartToken: string | null
  /** Base of links meant for shoppers (cart hand-off QR codes). */
  storefrontUrl: string
  accessTokens: AccessTokenIssuer
  pickupSecrets: PickupSecrets
  /** Seals a new webhook endpoint's signing secret before it is stored. */
  webhookSecrets: WebhookSecretBox
  payments: AppPayments
  orders: Config['orders']
  /** The deployment: where webhook endpoints may point depends on it (production refuses local URLs). */
  env: Config['env']
  /** Whether and how long carts hold stock (cart reservations; off by default). */
  cartHolds: Config['cartHolds']
  logger: Logger
  /** Live updates for subscriptions; the outbox dispatcher is its only publisher. */
  pubsub: AppPubSub
  /** Single time source per request, so a page's "open now" answers agree and tests can pin it. */
  now: Date
}
