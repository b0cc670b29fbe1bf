import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScheduler } from '../../src/jobs/scheduler.js'
import { createLogger } from '../../src/logger.js'
import { sessionCleanupJob } from '../../src/modules/sessions/session-cleanup.job.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let staffId: string
const NOW = new Date('2027-06-15T12:00:00Z')
const DAY = 24 * 60 * 60_000
const ago = (ms: number) => new Date(NOW.getTime() - ms)

beforeAll(async () => {
  testDb = await createTestDb()
  staffId = (await testDb.db.selectFrom('staff').select('id').limit(1).executeTakeFirstOrThrow()).id
})
afterAll(() => testDb.destroy())

let tokenCount = 0
async function newSession(spec: { openedAgo: number; revokedAgo?: number; tokensExpiringIn?: number[] }) {
  const session = await testDb.db
    .insertInto('auth_session')
    .values({
      staff_id: staffId,
      created_at: ago(spec.openedAgo),
      revoked_at: spec.revokedAgo === undefined ? null : ago(spec.revokedAgo),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (const expiresIn of spec.tokensExpiringIn ?? []) {
    tokenCount++
    await testDb.db
      .insertInto('refresh_token')
      .values({
        session_id: session.id,
        token_hash: `hash-${tokenCount}`,
        expires_at: new Date(NOW.getTime() + expiresIn),
      })
      .execute()
  }
  return session.id
}

function runCleanup(options: { batchSize?: number } = {}) {
  const job = sessionCleanupJob(options)
  const scheduler = createScheduler({ db: testDb.db, logger: createLogger('silent'), jobs: [job], now: () => NOW })
  return scheduler.runOnce().then((outcomes) => outcomes['session-cleanup'])
}

describe('session clean-up job', () => {
  it('forgets expired refresh tokens and ended sessions a day on, and keeps live ones', async () => {
    const live = await newSession({ openedAgo: 40 * DAY, tokensExpiringIn: [-20 * DAY, 10 * DAY] })
    const justSignedOut = await newSession({ openedAgo: 2 * DAY, revokedAgo: DAY / 2, tokensExpiringIn: [5 * DAY] })
    await newSession({ openedAgo: 9 * DAY, revokedAgo: 8 * DAY, tokensExpiringIn: [9 * DAY] })
    await newSession({ openedAgo: 60 * DAY, tokensExpiringIn: [-30 * DAY, -2 * DAY] })
    const justOpened = await newSession({ openedAgo: 60_000 })

    const outcome = await runCleanup()
    expect(outcome).toMatchObject({ affected: 5, details: { refreshTokens: 3, sessions: 2 } })

    const sessions = await testDb.db.selectFrom('auth_session').select('id').execute()
    expect(sessions.map((row) => row.id).sort()).toEqual([live, justSignedOut, justOpened].sort())
    const tokens = await testDb.db.selectFrom('refresh_token').select(['session_id', 'expires_at']).execute()
    expect(tokens.map((row) => row.session_id).sort()).toEqual([live, justSignedOut].sort())
  })
})
