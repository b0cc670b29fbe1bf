import { median, medianCpu, type RunStats } from './measure.js'
import type { PromotionSide, PromotionsReport } from './promotions-bench.js'

/** Checkouts with an automatic promotion and a code should keep this share of the rate without. */
export const PROMOTIONS_RATIO_TARGET = 0.8

const SIDE_NAMES: Record<PromotionSide, string> = {
  without: 'no live promotion',
  with: 'automatic 10% + code 5% (unlimited)',
}

export function renderPromotions(report: PromotionsReport | null): string[] {
  if (!report) return []
  const { runs, hot } = report
  const rate = (side: PromotionSide) => median(runs[side].map((stats) => stats.requestsPerSecond))
  const ratio = rate('with') / rate('without')
  const verdict = ratio >= PROMOTIONS_RATIO_TARGET ? 'meets' : '**below**'
  const refused = hot.outcomes.refused.get('DISCOUNT_CODE_LIMIT_REACHED') ?? 0
  const answered = hot.outcomes.placed + [...hot.outcomes.refused.values()].reduce((sum, count) => sum + count, 0)
  return [
    '',
    '## Checkout with promotions vs without',
    '',
    'GraphQL checkoutPlaceOrder of fresh carts of distinct SKUs (one unit each, paid at pickup), in rounds alternating the two sides in the same process and database. With: an AUTOMATIC promotion (10% off the order) and a CODE promotion (5% off, unlimited, combining) every cart carries, both restricted to the checkout store; without: the same promotions archived and carts without a code. Medians of the rounds; the ratio is with ÷ without.',
    '',
    '| side | req/s (median) | p50 ms | p99 ms | CPU ms/checkout: main thread | PostgreSQL | SQL statements |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...(['without', 'with'] as const).map((side) => row(SIDE_NAMES[side], runs[side], report.statements[side])),
    '',
    `- Ratio with ÷ without: **${ratio.toFixed(2)}** (${verdict} the ${PROMOTIONS_RATIO_TARGET} target)`,
    `- Per round, with / without: ${runs.with
      .map((stats, index) => {
        const without = runs.without[index]?.requestsPerSecond ?? Number.NaN
        return `${stats.requestsPerSecond.toFixed(0)} / ${without.toFixed(0)} = ${(stats.requestsPerSecond / without).toFixed(2)}`
      })
      .join('; ')}`,
    `- Checks (orders per 2xx; with: every order discounted, one use of each promotion; without: none): ${report.checks
      .filter((check) => check.side !== 'hot')
      .map((check) => `${check.side} r${check.round} ${check.ok ? 'ok' : 'FAILED'}: ${check.summary}`)
      .join('; ')}`,
    '',
    '## Hot code: every checkout using one limited code',
    '',
    `Every cart carries one CODE promotion (10% off, checkout store) limited to **${hot.usageLimit}** uses, half the requests of a median run with promotions; no warm-up of its own (it would spend the uses), the server warm from the rounds above. The answers are counted on the server, the tail included.`,
    '',
    `- ${hot.stats.requestsPerSecond.toFixed(0)} req/s, p50 ${hot.stats.p50Ms} ms, p99 ${hot.stats.p99Ms} ms (${hot.stats.requests} requests, ${hot.stats.non2xx} non-2xx, ${hot.stats.errors} errors)`,
    `- ${answered} checkouts answered: **${hot.orders} orders carry the code** (limit ${hot.usageLimit}: ${hotVerdict(report)}), **${refused} refused with DISCOUNT_CODE_LIMIT_REACHED**`,
    report.statements.refused === null
      ? '- **The run answered fewer checkouts than the limit: the limit was not exercised** (every answer carried the code)'
      : `- SQL statements of a refused checkout sent alone afterwards: ${report.statements.refused}`,
    `- Check: ${hot.check.ok ? 'ok' : 'FAILED'}: ${hot.check.summary}`,
  ]
}

function hotVerdict({ hot }: PromotionsReport): string {
  if (!hot.check.ok) return 'MISMATCH'
  return hot.orders === hot.usageLimit ? 'exactly the limit' : 'limit not reached, every answer carried the code'
}

function row(name: string, runs: readonly RunStats[], statements: number): string {
  const cpu = medianCpu(runs)
  const cpuCell = (key: 'mainMs' | 'postgresMs') => cpu?.[key].toFixed(2) ?? 'n/a'
  const cells = [
    name,
    median(runs.map((stats) => stats.requestsPerSecond)).toFixed(0),
    median(runs.map((stats) => stats.p50Ms)).toFixed(1),
    median(runs.map((stats) => stats.p99Ms)).toFixed(1),
    cpuCell('mainMs'),
    cpuCell('postgresMs'),
    String(statements),
  ]
  return `| ${cells.join(' | ')} |`
}
