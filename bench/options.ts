/**
 * `npm run bench -- --only=store-queue,fanout`: run only the scenarios with these keys, so one
 * can iterate on a few without the whole ten-minute bench. A key also selects the keys it
 * prefixes with a dash (`checkout` selects `checkout-hot`, …).
 */
export interface BenchOptions {
  /** null: everything. */
  only: readonly string[] | null
}

export const SCENARIO_KEYS = [
  'products',
  'products-priced',
  'stores',
  'cart-lines',
  'cart-create',
  'checkout-distinct',
  'checkout-hot',
  'checkout-online',
  'checkout-promotions',
  'checkout-webhooks-server',
  'checkout-webhooks-process',
  'store-queue',
  'fanout',
  'redis-fanout',
  'import',
  'startup',
  'pgbouncer',
  'insights',
] as const

export type ScenarioKey = (typeof SCENARIO_KEYS)[number]

export function parseBenchOptions(args: readonly string[]): BenchOptions {
  let only: string[] | null = null
  for (const arg of args) {
    const value = /^--only=(.*)$/.exec(arg)?.[1]
    if (value === undefined) throw new Error(`unknown argument ${arg} (known: --only=${SCENARIO_KEYS.join(',')})`)
    only = value.split(',').filter((key) => key !== '')
    const unknown = only.filter((key) => !SCENARIO_KEYS.some((known) => matches(key, known)))
    if (only.length === 0 || unknown.length > 0)
      throw new Error(`--only takes keys among ${SCENARIO_KEYS.join(', ')}; got ${JSON.stringify(value)}`)
  }
  return { only }
}

export function isSelected(options: BenchOptions, key: ScenarioKey): boolean {
  return options.only === null || options.only.some((wanted) => matches(wanted, key))
}

function matches(wanted: string, key: string): boolean {
  return key === wanted || key.startsWith(`${wanted}-`)
}
