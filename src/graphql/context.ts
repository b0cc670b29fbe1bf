import type { Logger } from 'pino'
import type { AccessTokenIssuer } from '../auth/access-token.js'
import type { Viewer } from '../auth/viewer.js'
import type { Db } from '../db/create-db.js'

/** What every resolver receives. Built per request in graphql/yoga.ts. */
export interface GraphQLContext {
  db: Db
  viewer: Viewer
  accessTokens: AccessTokenIssuer
  logger: Logger
  /** Single time source per request, so a page's "open now" answers agree and tests can pin it. */
  now: Date
}
