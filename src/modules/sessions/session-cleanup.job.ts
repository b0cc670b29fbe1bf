import type { Job } from '../../jobs/job.js'
import * as sessionRepository from './session.repository.js'

/** Per rule and run: a backlog drains over a few runs instead of one long transaction. */
const DEFAULT_BATCH_SIZE = 1000
/**
 * Kept a day past expiry or sign-out, then forgotten: an expired or revoked token is refused
 * either way, so nothing is learnt from keeping it longer.
 */
const GRACE_MS = 24 * 60 * 60_000

/** Forgets expired refresh tokens, and sessions signed out or left with no refresh token. */
export function sessionCleanupJob(options: { batchSize?: number } = {}): Job {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
  return {
    name: 'session-cleanup',
    intervalMs: 60 * 60_000,
    async run(trx, now) {
      const before = new Date(now.getTime() - GRACE_MS)
      const details = {
        refreshTokens: await sessionRepository.deleteExpiredRefreshTokens(trx, before, batchSize),
        sessions: await sessionRepository.deleteEndedSessions(trx, before, batchSize),
      }
      return { affected: details.refreshTokens + details.sessions, details }
    },
  }
}
