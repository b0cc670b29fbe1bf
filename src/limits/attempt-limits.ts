import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible'
import { TooManyAttemptsError } from '../auth/sign-in.errors.js'
import { type CounterRule, type CounterStore, counterKey, createCounter } from './counter-store.js'

export type SignInScope = 'staff' | 'customer'

/** An attempt already counted against every limit; the caller checks the secret next. */
export interface CountedAttempt {
  /** The secret was right: the attempt is given back, so only failures add up. */
  succeeded(): Promise<void>
}

/** The limits as one client address meets them. Each call counts first and throws TooManyAttemptsError when a limit is spent. */
export interface ClientAttempts {
  signIn(scope: SignInScope, email: string): Promise<CountedAttempt>
  handoffClaim(): Promise<CountedAttempt>
  giftCardBalance(): Promise<CountedAttempt>
  /** One discount code entered on a cart; counted per cart and per address (DISCOUNT_CODE_RULE, DISCOUNT_CODE_CLIENT_RULE). */
  discountCode(cartId: string): Promise<CountedAttempt>
  /** A request for a password reset link: counted whether or not the email is an account's. */
  passwordReset(scope: SignInScope, email: string): Promise<CountedAttempt>
}

export interface AttemptLimits {
  forClient(client: string): ClientAttempts
}

/**
 * Guessing one account's password from one address stops after five tries; one address trying
 * many accounts stops after a hundred an hour; many addresses trying one account are slowed by
 * a larger per-account limit whose lock doubles each time it is hit. A stranger's five wrong
 * passwords therefore lock the stranger's pair only, never the owner's own sign-in.
 */
export const SIGN_IN_RULES = {
  pair: { name: 'signin_pair', points: 5, durationSeconds: 15 * 60, blockSeconds: 15 * 60 },
  client: { name: 'signin_client', points: 100, durationSeconds: 60 * 60, blockSeconds: 60 * 60 },
  account: { name: 'signin_account', points: 20, durationSeconds: 15 * 60 },
  accountLocks: { name: 'signin_account_locks', points: 1_000_000, durationSeconds: 24 * 60 * 60 },
} satisfies Record<string, CounterRule>

/** The per-account lock: a minute the first time in a day, doubling up to an hour. */
export const ACCOUNT_LOCK_SECONDS = { first: 60, max: 60 * 60 }

/** Hand-off codes have no account to count against: five wrong claims per address. */
export const HANDOFF_CLAIM_RULE: CounterRule = {
  name: 'handoff_claim_client',
  points: 5,
  durationSeconds: 15 * 60,
  blockSeconds: 15 * 60,
}

/** Gift card codes, like hand-off codes, have no account: ten unknown codes per address. */
export const GIFT_CARD_BALANCE_RULE: CounterRule = {
  name: 'gift_card_balance_client',
  points: 10,
  durationSeconds: 15 * 60,
  blockSeconds: 15 * 60,
}

/**
 * Discount codes entered on a cart: ten unknown codes per cart in 15 minutes. Counted per cart,
 * not per address, so every device sharing the cart shares its limit.
 */
export const DISCOUNT_CODE_RULE: CounterRule = {
  name: 'discount_code_cart',
  points: 10,
  durationSeconds: 15 * 60,
  blockSeconds: 15 * 60,
}

/**
 * And from one address across carts, so that opening new carts buys no new guesses: thirty
 * unknown codes in 15 minutes, room for a store's kiosks behind one address.
 */
export const DISCOUNT_CODE_CLIENT_RULE: CounterRule = {
  name: 'discount_code_client',
  points: 30,
  durationSeconds: 15 * 60,
  blockSeconds: 15 * 60,
}

/**
 * Reset links are mail sent to someone: three per hour for one email from one address, ten per
 * hour for one email whoever asks (so nobody's inbox is flooded), thirty per hour from an address.
 * Every request counts, found or not, so the limits say nothing about which emails exist.
 */
export const PASSWORD_RESET_RULES = {
  pair: { name: 'reset_pair', points: 3, durationSeconds: 60 * 60, blockSeconds: 60 * 60 },
  client: { name: 'reset_client', points: 30, durationSeconds: 60 * 60, blockSeconds: 60 * 60 },
  account: { name: 'reset_account', points: 10, durationSeconds: 60 * 60 },
} satisfies Record<string, CounterRule>

interface Step {
  limiter: RateLimiterAbstract
  key: string
  /** What a success does: forget the consecutive failures, or give back this one attempt. */
  onSuccess: 'reset' | 'refund'
  /** When the limit is first spent: lock for longer than the window; returns the lock's end. */
  onSpent?: (spent: RateLimiterRes) => Promise<Date | null>
}

export function createAttemptLimits(store: CounterStore, onRefused: (rule: string) => void = () => {}): AttemptLimits {
  const pair = createCounter(store, SIGN_IN_RULES.pair)
  const client = createCounter(store, SIGN_IN_RULES.client)
  const account = createCounter(store, SIGN_IN_RULES.account)
  const accountLocks = createCounter(store, SIGN_IN_RULES.accountLocks)
  const handoff = createCounter(store, HANDOFF_CLAIM_RULE)
  const giftCardBalance = createCounter(store, GIFT_CARD_BALANCE_RULE)
  const discountCode = createCounter(store, DISCOUNT_CODE_RULE)
  const discountCodeClient = createCounter(store, DISCOUNT_CODE_CLIENT_RULE)
  const resetPair = createCounter(store, PASSWORD_RESET_RULES.pair)
  const resetClient = createCounter(store, PASSWORD_RESET_RULES.client)
  const resetAccount = createCounter(store, PASSWORD_RESET_RULES.account)

  const lockAccountWithBackoff = (key: string) => async (spent: RateLimiterRes) => {
    // Exactly one attempt sees the count cross the limit (the increment is atomic): it sets the lock.
    if (spent.consumedPoints !== SIGN_IN_RULES.account.points + 1) return null
    const locks = await accountLocks.consume(key)
    const seconds = Math.min(ACCOUNT_LOCK_SECONDS.first * 2 ** (locks.consumedPoints - 1), ACCOUNT_LOCK_SECONDS.max)
    await account.block(key, seconds)
    return new Date(Date.now() + seconds * 1000)
  }

  const count = (steps: Step[], attempts?: string) => countAll(steps, onRefused, attempts)
  return {
    forClient: (address) => ({
      signIn(scope, email) {
        const accountKey = counterKey(scope, email.trim().toLowerCase())
        return count([
          { limiter: pair, key: counterKey(accountKey, address), onSuccess: 'reset' },
          { limiter: client, key: counterKey(address), onSuccess: 'refund' },
          { limiter: account, key: accountKey, onSuccess: 'refund', onSpent: lockAccountWithBackoff(accountKey) },
        ])
      },
      handoffClaim: () =>
        count([{ limiter: handoff, key: counterKey(address), onSuccess: 'refund' }], 'wrong cart hand-off codes'),
      giftCardBalance: () =>
        count([{ limiter: giftCardBalance, key: counterKey(address), onSuccess: 'refund' }], 'unknown gift card codes'),
      discountCode: (cartId) =>
        count(
          [
            { limiter: discountCode, key: counterKey('cart', cartId), onSuccess: 'refund' },
            { limiter: discountCodeClient, key: counterKey(address), onSuccess: 'refund' },
          ],
          'unknown discount codes',
        ),
      passwordReset(scope, email) {
        const accountKey = counterKey(scope, email.trim().toLowerCase())
        return count(
          [
            { limiter: resetPair, key: counterKey(accountKey, address), onSuccess: 'refund' },
            { limiter: resetClient, key: counterKey(address), onSuccess: 'refund' },
            { limiter: resetAccount, key: accountKey, onSuccess: 'refund' },
          ],
          'password reset requests',
        )
      },
    }),
  }
}

/**
 * Counts the attempt against each limit in turn, before anything is checked: the increment is
 * atomic, so of forty parallel guesses only the first five (by the store's count) go on to be
 * checked. A refused attempt gives back what it took from the limits before the one that
 * refused it, so waiting out one lock does not spend another.
 */
async function countAll(
  steps: Step[],
  onRefused: (rule: string) => void,
  attempts: string | undefined,
): Promise<CountedAttempt> {
  for (const [index, step] of steps.entries()) {
    const retryAt = await refusalOf(step)
    if (retryAt === null) continue
    await Promise.all(steps.slice(0, index).map((taken) => taken.limiter.reward(taken.key, 1)))
    onRefused(step.limiter.keyPrefix)
    throw new TooManyAttemptsError(retryAt, attempts)
  }
  return {
    async succeeded() {
      await Promise.all(
        steps.map((step) =>
          step.onSuccess === 'reset' ? step.limiter.delete(step.key) : step.limiter.reward(step.key, 1),
        ),
      )
    },
  }
}

/** null when the step's limit allows the attempt; otherwise when to try again. */
async function refusalOf(step: Step): Promise<Date | null> {
  try {
    await step.limiter.consume(step.key)
    return null
  } catch (error) {
    // The limiter rejects with its count when the limit is spent, and with an Error when the store fails.
    if (!(error instanceof RateLimiterRes)) throw error
    const lockedUntil = step.onSpent ? await step.onSpent(error) : null
    return lockedUntil ?? new Date(Date.now() + error.msBeforeNext)
  }
}
