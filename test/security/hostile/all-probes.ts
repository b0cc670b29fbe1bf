import {
  parallelCustomerSignIn,
  parallelHandoffClaims,
  parallelPickupCodes,
  parallelStaffSignIn,
  strangerLocksOutVictim,
} from './auth-limits.probes.js'
import { duplicateReturnLines, emptyPickupPass, hostileArguments, hugeTenderAtCollect } from './bad-input.probes.js'
import { guestOrderReadableByItsToken, kioskTokenAfterSignedInCheckout } from './cart-access.probes.js'
import { requestBudget } from './flood.probes.js'
import { costLimitPageSizes, deepByBreadth, depthLimitDisguises, nodesWithManyIds } from './graphql-limits.probes.js'
import {
  corsReflection,
  graphiqlFromCdn,
  graphqlOverHttpAudits,
  hugeBodies,
  metricsWithoutToken,
} from './http-surface.probes.js'
import { parallelOnlineCheckoutRetries, parallelOnlineCollect } from './payments.probes.js'
import { foreignDataExport } from './privacy.probes.js'
import type { Probe } from './probe.js'
import {
  anonymousStoreQueue,
  otherStoresManagerQueue,
  revokedTerminalStream,
  strangersCartStream,
  strangersOrderStream,
} from './subscriptions.probes.js'
import {
  customerSignOutEndsSession,
  refreshTokenReuse,
  shortAccessTokens,
  staffSignOutEndsSession,
} from './tokens.probes.js'

/**
 * Every probe, in the order they run. The flood goes last: on a server that does not trust
 * X-Forwarded-For from us, it spends the one client address every other probe speaks from.
 */
export const ALL_PROBES: readonly Probe[] = [
  parallelStaffSignIn,
  parallelCustomerSignIn,
  parallelPickupCodes,
  parallelHandoffClaims,
  strangerLocksOutVictim,
  anonymousStoreQueue,
  otherStoresManagerQueue,
  strangersOrderStream,
  strangersCartStream,
  revokedTerminalStream,
  shortAccessTokens,
  refreshTokenReuse,
  staffSignOutEndsSession,
  customerSignOutEndsSession,
  kioskTokenAfterSignedInCheckout,
  guestOrderReadableByItsToken,
  parallelOnlineCheckoutRetries,
  parallelOnlineCollect,
  metricsWithoutToken,
  corsReflection,
  depthLimitDisguises,
  costLimitPageSizes,
  nodesWithManyIds,
  deepByBreadth,
  hugeBodies,
  graphiqlFromCdn,
  graphqlOverHttpAudits,
  hostileArguments,
  hugeTenderAtCollect,
  duplicateReturnLines,
  emptyPickupPass,
  foreignDataExport,
  requestBudget,
]
