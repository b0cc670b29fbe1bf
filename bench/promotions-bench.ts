import type { Db } from '../src/db/create-db.js'
import type { CheckoutCart } from './checkout-fixture.js'
import {
  type CheckoutOutcome,
  type CheckoutOutcomes,
  type CheckoutTally,
  checkoutOutcomeOf,
  TALLY_HEADER,
} from './checkout-tally.js'
import { type HttpRequest, median, type RunStats } from './measure.js'
import {
  BENCH_CODE,
  type BenchPromotions,
  type CartsDiscounts,
  createBenchPromotions,
  createHotCodePromotion,
  discountsOfCarts,
  HOT_CODE,
  putDiscountCode,
  setPromotionsLive,
  timesUsed,
} from './promotion-fixture.js'
import { type CheckoutFixture, checkoutRequest, type FreshLoad, type RunCheck } from './scenarios.js'

/** A fresh load run the bench's way (prepared, maintained, measured, drained, verified). */
export type RunFresh = (
  load: FreshLoad,
  label: string,
  options: { warmUp: boolean },
) => Promise<{ stats: RunStats; check: RunCheck | null }>

export interface PromotionsBenchParts {
  db: Db
  checkout: CheckoutFixture
  tally: CheckoutTally
  rounds: number
  durationSeconds: number
  runFresh: RunFresh
  /** One request sent alone: its answer and the SQL statements it took. */
  sendCounted(request: HttpRequest): Promise<{ status: number; body: unknown; statements: number }>
  log(message: string): void
}

export type PromotionSide = 'without' | 'with'

export interface PromotionCheck extends RunCheck {
  side: PromotionSide | 'hot'
  round: number
}

export interface HotCodeRun {
  usageLimit: number
  stats: RunStats
  outcomes: CheckoutOutcomes
  /** Orders of the run's carts: each carries the code, since every cart does. */
  orders: number
  check: PromotionCheck
}

export interface PromotionsReport {
  runs: Record<PromotionSide, RunStats[]>
  checks: PromotionCheck[]
  /**
   * SQL statements of one checkout sent alone: without promotions, with both, and refused by the
   * spent hot code (null when the hot run did not spend it).
   */
  statements: Record<PromotionSide, number> & { refused: number | null }
  hot: HotCodeRun
}

/**
 * GraphQL checkouts of fresh carts of distinct SKUs, without promotions and with an automatic one
 * and a code, in interleaved rounds; then every cart using one code limited to half the requests
 * of a run. The promotions are the checkout store's only ones, live only while their side runs,
 * and archived on the way out, so that no other scenario, before or after, ever sees one.
 */
export async function measurePromotions(parts: PromotionsBenchParts): Promise<PromotionsReport> {
  const { db, checkout } = parts
  const promotions = await createBenchPromotions(db, checkout.store.storeId)
  const ids = [promotions.automaticId, promotions.codeId]
  let hotId: string | null = null
  try {
    const statements: PromotionsReport['statements'] = { without: 0, with: 0, refused: null }
    // Only the promotions' state differs between the sides, plus the code on the cart: a cart
    // naming an archived code would be refused (DISCOUNT_CODE_UNKNOWN), so the side without
    // promotions carries none. Archiving rather than scoping them away keeps the "without" side
    // what a store with no promotion runs: the candidate query finds no row.
    const sides: Record<PromotionSide, { live: boolean; load: FreshLoad }> = {
      without: { live: false, load: sideLoad(parts, null, (found, ok) => verifyWithout(found, ok, parts)) },
      with: { live: true, load: sideLoad(parts, BENCH_CODE, (found, ok) => verifyWith(found, ok, parts, promotions)) },
    }
    for (const side of ['without', 'with'] as const) {
      await setPromotionsLive(db, ids, sides[side].live)
      statements[side] = await countedCheckout(parts, side === 'with' ? BENCH_CODE : null, 'placed')
    }
    parts.log(`checkout SQL statements: ${statements.without} without promotions, ${statements.with} with two`)

    const runs: Record<PromotionSide, RunStats[]> = { without: [], with: [] }
    const checks: PromotionCheck[] = []
    for (let round = 1; round <= parts.rounds; round++) {
      for (const side of ['without', 'with'] as const) {
        await setPromotionsLive(db, ids, sides[side].live)
        const label = `round ${round}/${parts.rounds} checkout ${side} promotions`
        const { stats, check } = await parts.runFresh(sides[side].load, label, { warmUp: true })
        runs[side].push(stats)
        if (check) checks.push({ side, round, ...check })
      }
    }

    await setPromotionsLive(db, ids, false)
    // Half the requests a run with promotions sent: the run shows the code being used up, then
    // the checkouts it refuses.
    const usageLimit = Math.max(
      1,
      Math.floor((median(runs.with.map((stats) => stats.requestsPerSecond)) * parts.durationSeconds) / 2),
    )
    hotId = await createHotCodePromotion(db, checkout.store.storeId, usageLimit)
    const hot = await measureHotCode(parts, hotId, usageLimit)
    if (hot.orders >= usageLimit) {
      statements.refused = await countedCheckout(parts, HOT_CODE, 'refused')
      parts.log(`refused hot-code checkout: ${statements.refused} SQL statements`)
    } else parts.log(`the hot-code run answered fewer checkouts than the code's ${usageLimit} uses`)
    return { runs, checks, statements, hot }
  } finally {
    await setPromotionsLive(db, hotId ? [...ids, hotId] : ids, false)
  }
}

/**
 * Fresh carts of distinct SKUs carrying `code` (or none), checked out once each. After the run,
 * the orders of those carts must number the 2xx answers (plus at most one per connection, for
 * requests finished after autocannon stopped counting) and carry what `verify` expects.
 */
function sideLoad(
  parts: PromotionsBenchParts,
  code: string | null,
  verify: (found: CartsDiscounts, ok: number) => RunCheck,
): FreshLoad {
  const { checkout } = parts
  return {
    async prepare(count) {
      const carts = await cartsCarrying(parts, code, count)
      return {
        load: { oneShot: carts.map((cart) => checkoutRequest(checkout.store, cart, 'graphql')) },
        verify: async (stats) => verify(await discountsOfCarts(parts.db, carts), stats.ok),
      }
    },
  }
}

async function cartsCarrying(parts: PromotionsBenchParts, code: string | null, count: number) {
  const carts = await parts.checkout.createCarts(parts.checkout.store.distinctVariantIds, count)
  if (code) await putDiscountCode(parts.db, carts, code)
  return carts
}

function withinTail(orders: number, ok: number, parts: PromotionsBenchParts): boolean {
  return orders - ok >= 0 && orders - ok <= parts.checkout.connections
}

function verifyWithout(found: CartsDiscounts, ok: number, parts: PromotionsBenchParts): RunCheck {
  const uses = [...found.uses.values()].reduce((sum, use) => sum + use.rows, 0)
  return {
    ok: withinTail(found.orders, ok, parts) && found.discounted === 0 && uses === 0,
    summary: `${found.orders} orders for ${ok} 2xx, ${found.discounted} discounted, ${uses} promotion uses`,
  }
}

function verifyWith(
  found: CartsDiscounts,
  ok: number,
  parts: PromotionsBenchParts,
  promotions: BenchPromotions,
): RunCheck {
  const automatic = found.uses.get(promotions.automaticId) ?? { rows: 0, orders: 0 }
  const code = found.uses.get(promotions.codeId) ?? { rows: 0, orders: 0 }
  const onePerOrder = (use: { rows: number; orders: number }) =>
    use.rows === found.orders && use.orders === found.orders
  return {
    ok:
      withinTail(found.orders, ok, parts) &&
      found.discounted === found.orders &&
      found.uses.size === 2 &&
      onePerOrder(automatic) &&
      onePerOrder(code),
    summary: `${found.orders} orders for ${ok} 2xx, ${found.discounted} discounted, uses: automatic ${automatic.rows}, code ${code.rows}`,
  }
}

/**
 * Every cart carries the one limited code. Measured without a warm-up of its own (the rounds
 * before warmed the server), since a warm-up would spend the code's uses. The answers are counted
 * on the server (the tally), so that refusals, which leave no row, can be counted too.
 */
async function measureHotCode(parts: PromotionsBenchParts, hotId: string, usageLimit: number): Promise<HotCodeRun> {
  const { db, checkout, tally } = parts
  let outcomes: CheckoutOutcomes = tally.read()
  let orders = 0
  const load: FreshLoad = {
    async prepare(count) {
      const carts = await cartsCarrying(parts, HOT_CODE, count)
      tally.reset()
      return {
        load: {
          oneShot: carts.map((cart) => {
            const request = checkoutRequest(checkout.store, cart, 'graphql')
            return { ...request, headers: { ...request.headers, [TALLY_HEADER]: '1' } }
          }),
        },
        async verify(stats) {
          outcomes = tally.read()
          const found = await discountsOfCarts(db, carts)
          orders = found.orders
          return verifyHotCode({ outcomes, found, hotId, usageLimit, ok: stats.ok, used: await timesUsed(db, hotId) })
        },
      }
    },
  }
  const label = `checkout, everyone using one code limited to ${usageLimit}`
  const { stats, check } = await parts.runFresh(load, label, { warmUp: false })
  if (!check) throw new Error('the hot-code run was not verified')
  return { usageLimit, stats, outcomes, orders, check: { side: 'hot', round: 1, ...check } }
}

/**
 * Exactly `usageLimit` orders carry the code when at least that many checkouts were answered
 * (every one of them when fewer were), each with its discount and its one use, the promotion's
 * counter agrees, and every other answer is a DISCOUNT_CODE_LIMIT_REACHED refusal.
 */
function verifyHotCode(run: {
  outcomes: CheckoutOutcomes
  found: CartsDiscounts
  hotId: string
  usageLimit: number
  ok: number
  used: number
}): RunCheck {
  const { outcomes, found, usageLimit } = run
  const refusedAny = [...outcomes.refused.values()].reduce((sum, count) => sum + count, 0)
  const limitReached = outcomes.refused.get('DISCOUNT_CODE_LIMIT_REACHED') ?? 0
  const answered = outcomes.placed + refusedAny + outcomes.other
  const uses = run.found.uses.get(run.hotId) ?? { rows: 0, orders: 0 }
  const expected = Math.min(usageLimit, answered)
  const ok =
    found.orders === expected &&
    outcomes.placed === found.orders &&
    found.discounted === found.orders &&
    uses.rows === found.orders &&
    uses.orders === found.orders &&
    run.used === found.orders &&
    limitReached === refusedAny &&
    outcomes.other === 0 &&
    answered >= run.ok
  const others = [...outcomes.refused.entries()].filter(([code]) => code !== 'DISCOUNT_CODE_LIMIT_REACHED')
  return {
    ok,
    summary:
      `${answered} checkouts answered (${run.ok} 2xx counted by autocannon): ${found.orders} orders carry the code ` +
      `(expected ${expected}; ${uses.rows} uses, times_used ${run.used}), ${limitReached} refused with DISCOUNT_CODE_LIMIT_REACHED` +
      (others.length > 0 ? `, other refusals ${JSON.stringify(Object.fromEntries(others))}` : '') +
      (outcomes.other > 0 ? `, ${outcomes.other} other answers` : ''),
  }
}

/** One checkout sent alone, its outcome checked, and its SQL statements counted. */
async function countedCheckout(
  parts: PromotionsBenchParts,
  code: string | null,
  expected: 'placed' | 'refused',
): Promise<number> {
  const [cart] = await cartsCarrying(parts, code, 1)
  const { status, body, statements } = await parts.sendCounted(
    checkoutRequest(parts.checkout.store, cart as CheckoutCart, 'graphql'),
  )
  const outcome = checkoutOutcomeOf(body)
  const as = expected === 'placed' ? outcome.kind === 'placed' : isLimitReached(outcome)
  if (status !== 200 || !as)
    throw new Error(
      `a lone checkout (${code ?? 'no code'}) was expected ${expected}: ${status} ${JSON.stringify(body).slice(0, 500)}`,
    )
  return statements
}

function isLimitReached(outcome: CheckoutOutcome): boolean {
  return outcome.kind === 'refused' && outcome.code === 'DISCOUNT_CODE_LIMIT_REACHED'
}
