import { createApp } from '../../src/app.js'
import { type AccessTokenIssuer, createAccessTokenIssuer } from '../../src/auth/access-token.js'
import { createPickupSecrets } from '../../src/auth/pickup-secrets.js'
import { loadConfig } from '../../src/config.js'
import type { HttpMetrics } from '../../src/http/metrics.js'
import type { Readiness } from '../../src/http/readiness.js'
import { createLogger } from '../../src/logger.js'
import type { AppPubSub } from '../../src/modules/events/pubsub.js'
import { type AppPayments, paymentsFor } from '../../src/modules/payments/payment-setup.js'
import { createWebhookSecretBox } from '../../src/modules/webhooks/webhook-secret-box.js'
import type { TestDb } from './test-db.js'

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256!'
export const TEST_WEBHOOK_SECRETS_KEY = 'test-key-that-seals-webhook-signing-secrets'
/** What the test apps seal endpoints' secrets with, and so what the tests' senders open them with. */
export const testWebhookSecrets = createWebhookSecretBox({ current: TEST_WEBHOOK_SECRETS_KEY })

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [key: string]: unknown } }[]
}

export interface TestApp {
  app: ReturnType<typeof createApp>
  /** POST /graphql; returns the parsed body (any status). */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<T>>
  signInStaff(email: string, password?: string): Promise<string>
}

/** What the fixtures need of an API: POST /graphql, whether it runs in-process, on a socket or in workerd. */
export type GraphQLClient = Pick<TestApp, 'gql'>

export function createTestApp(
  testDb: TestDb,
  options: {
    now?: () => Date
    env?: Record<string, string>
    pubsub?: AppPubSub
    payments?: AppPayments
    metrics?: HttpMetrics
    /** Issues the tokens; one with lifetimes shorter than a server allows lets a test see a token expire. */
    accessTokens?: AccessTokenIssuer
    readiness?: Readiness
  } = {},
): TestApp {
  const config = loadConfig({ NODE_ENV: 'test', PAYMENT_PROVIDER: 'offline', ...options.env })
  const app = createApp({
    config,
    db: testDb.db,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    accessTokens: options.accessTokens ?? createAccessTokenIssuer(TEST_JWT_SECRET, config),
    pickupSecrets: createPickupSecrets(TEST_JWT_SECRET),
    webhookSecrets: testWebhookSecrets,
    now: options.now,
    pubsub: options.pubsub,
    payments: options.payments ?? paymentsFor(config.stripe),
    metrics: options.metrics,
    readiness: options.readiness,
  })

  async function gql<T>(
    query: string,
    variables: Record<string, unknown> = {},
    requestOptions: { token?: string; headers?: Record<string, string> } = {},
  ): Promise<GraphQLResponse<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...requestOptions.headers }
    if (requestOptions.token) headers.authorization = `Bearer ${requestOptions.token}`
    const response = await app.request('/graphql', {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    })
    return (await response.json()) as GraphQLResponse<T>
  }

  async function signInStaff(email: string, password = 'comptoir-staff'): Promise<string> {
    const result = await gql<{ staffSignIn: { accessToken: string | null; userErrors: unknown[] } }>(
      `mutation($input: StaffSignInInput!) { staffSignIn(input: $input) { accessToken userErrors { code } } }`,
      { input: { email, password } },
    )
    const token = result.data?.staffSignIn.accessToken
    if (!token) throw new Error(`sign-in failed for ${email}: ${JSON.stringify(result)}`)
    return token
  }

  return { app, gql, signInStaff }
}
