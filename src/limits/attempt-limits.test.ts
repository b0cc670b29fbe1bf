import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { TooManyAttemptsError } from '../auth/sign-in.errors.js'
import { ACCOUNT_LOCK_SECONDS, type AttemptLimits, createAttemptLimits, SIGN_IN_RULES } from './attempt-limits.js'

const START = new Date('2026-12-04T10:00:00Z')
let limits: AttemptLimits
let refused: string[]

beforeEach(() => {
  vi.useFakeTimers({ now: START })
  refused = []
  limits = createAttemptLimits({ kind: 'memory' }, (rule) => refused.push(rule))
})
afterEach(() => vi.useRealTimers())

/** A wrong password: counted, never succeeded. Resolves to the refusal, if the attempt was refused. */
async function fail(client: string, email: string): Promise<TooManyAttemptsError | null> {
  try {
    await limits.forClient(client).signIn('staff', email)
    return null
  } catch (error) {
    if (error instanceof TooManyAttemptsError) return error
    throw error
  }
}

async function failTimes(times: number, client: string, email: string) {
  const outcomes = []
  for (let i = 0; i < times; i++) outcomes.push(await fail(client, email))
  return outcomes
}

describe('sign-in attempt limits', () => {
  it("lock a stranger's (account, address) pair after five, never the owner's own address", async () => {
    expect(await failTimes(5, 'stranger', 'manager@shop')).toEqual([null, null, null, null, null])
    const locked = await fail('stranger', 'manager@shop')
    expect(locked?.retryAt).toEqual(new Date(START.getTime() + SIGN_IN_RULES.pair.blockSeconds * 1000))
    expect(refused).toEqual(['signin_pair'])
    await expect(limits.forClient('owner').signIn('staff', 'MANAGER@shop ')).resolves.toBeDefined()
  })

  it('forget consecutive failures of a pair once it succeeds', async () => {
    await failTimes(4, 'owner', 'manager@shop')
    const attempt = await limits.forClient('owner').signIn('staff', 'manager@shop')
    await attempt.succeeded()
    expect(await failTimes(5, 'owner', 'manager@shop')).toEqual([null, null, null, null, null])
    expect(await fail('owner', 'manager@shop')).toBeInstanceOf(TooManyAttemptsError)
  })

  it('stop one address trying many accounts, and only that address', async () => {
    for (let i = 0; i < SIGN_IN_RULES.client.points; i++) expect(await fail('sprayer', `user${i}@shop`)).toBeNull()
    expect(await fail('sprayer', 'fresh@shop')).toBeInstanceOf(TooManyAttemptsError)
    expect(refused).toEqual(['signin_client'])
    expect(await fail('someone-else', 'fresh@shop')).toBeNull()
  })

  it('lock an account tried from many addresses, for twice as long each time', async () => {
    const perClient = SIGN_IN_RULES.pair.points
    const spread = async (round: number) => {
      for (let c = 0; c < SIGN_IN_RULES.account.points / perClient; c++)
        await failTimes(perClient, `bot-${round}-${c}`, 'manager@shop')
      return fail(`bot-${round}-fresh`, 'manager@shop')
    }
    const first = await spread(1)
    expect(first?.retryAt).toEqual(new Date(Date.now() + ACCOUNT_LOCK_SECONDS.first * 1000))
    // Still locked for everyone, a new address included, until the lock ends.
    expect(await fail('owner', 'manager@shop')).toBeInstanceOf(TooManyAttemptsError)
    vi.advanceTimersByTime(ACCOUNT_LOCK_SECONDS.first * 1000 + 1)
    expect(await fail('owner', 'manager@shop')).toBeNull()

    vi.advanceTimersByTime(SIGN_IN_RULES.account.durationSeconds * 1000)
    const second = await spread(2)
    expect(second?.retryAt).toEqual(new Date(Date.now() + 2 * ACCOUNT_LOCK_SECONDS.first * 1000))
    expect(refused.filter((rule) => rule === 'signin_account').length).toBeGreaterThanOrEqual(2)
  })

  it('give back what earlier limits took when a later one refuses: waiting out an account lock costs the owner nothing', async () => {
    for (let c = 0; c < SIGN_IN_RULES.account.points / SIGN_IN_RULES.pair.points; c++) {
      await failTimes(SIGN_IN_RULES.pair.points, `bot-${c}`, 'manager@shop')
    }
    // The owner keeps trying while the account is locked: each try is refused by the account limit.
    for (let i = 0; i < SIGN_IN_RULES.pair.points + 1; i++) {
      expect(await fail('owner', 'manager@shop')).toBeInstanceOf(TooManyAttemptsError)
    }
    vi.advanceTimersByTime(ACCOUNT_LOCK_SECONDS.first * 1000 + 1)
    // Had the refused tries kept their count on the owner's own pair, it would now be locked too.
    await expect(limits.forClient('owner').signIn('staff', 'manager@shop')).resolves.toBeDefined()
  })
})

describe('hand-off claim limits', () => {
  it('refuse a sixth wrong code from one address, with a message about hand-off codes', async () => {
    for (let i = 0; i < 5; i++) await limits.forClient('kiosk').handoffClaim()
    const refusal = await limits
      .forClient('kiosk')
      .handoffClaim()
      .catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(TooManyAttemptsError)
    expect((refusal as TooManyAttemptsError).userErrors()[0]).toMatchObject({
      code: 'TOO_MANY_ATTEMPTS',
      message: expect.stringContaining('hand-off codes'),
    })
    await expect(limits.forClient('phone').handoffClaim()).resolves.toBeDefined()
  })
})
