import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { BusyStore } from './busy-store-fixture.js'
import { median, medianCpu, type RunStats } from './measure.js'
import type { HotRowCeilingResult } from './pgbench.js'

export interface Environment {
  date: Date
  nodeVersion: string
  /** process.env.NODE_ENV: graphql-js skips its development-only checks under "production". */
  nodeEnv: string | undefined
  cpuCount: number
  postgresVersion: string
  /** How the server and pgbench reach PostgreSQL: TCP, or a Unix socket and its directory. */
  postgresTransport: string
  rounds: number
  connections: number
  durationSeconds: number
  warmUpSeconds: number
  command: string
}

export interface ScenarioRuns {
  name: string
  /** One entry per round. */
  graphql: RunStats[]
  bare: RunStats[]
  /** What was verified after each measured run of a fresh load (e.g. one order per 2xx). */
  checks: RunCheckEntry[]
}

export interface RunCheckEntry {
  side: 'graphql' | 'bare'
  round: number
  ok: boolean
  summary: string
}

/** pgbench on the hot SKU's row, beside the hot-SKU checkout scenario. */
export interface CeilingReport {
  scenario: ScenarioRuns
  result: HotRowCeilingResult
}

/** SQL statements of one request of each side, sent alone before the runs. */
export interface StatementCount {
  name: string
  graphql: number
  bare: number
}

/** Hot-SKU checkouts should reach at least this share of what the bare row update allows. */
export const CEILING_TARGET = 0.25

export function renderReport(
  env: Environment,
  results: readonly ScenarioRuns[],
  ceiling: CeilingReport | null,
  /** Sections appended after the ceiling (statement counts, the fan-out). */
  extra: readonly string[] = [],
): string {
  const header = [
    `# Benchmark: GraphQL vs bare routes, ${isoDate(env.date)}`,
    '',
    `- Node ${env.nodeVersion} (NODE_ENV ${env.nodeEnv ?? 'unset'}), ${env.cpuCount} CPUs, PostgreSQL ${env.postgresVersion} (over ${env.postgresTransport}, for the server and pgbench)`,
    `- ${env.rounds} rounds, ${env.connections} connections, ${env.durationSeconds}s per run after a ${env.warmUpSeconds}s unrecorded warm-up; runs interleaved (GraphQL, bare, next scenario, …) each round`,
    '- Medians over the rounds; ratio = GraphQL req/s ÷ bare req/s',
    `- Command: \`${env.command}\``,
    '',
  ]
  const table = [
    '| scenario | req/s (median) | p50 ms | p99 ms | bare req/s | bare p50 | bare p99 | ratio |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map((result) => {
      const graphql = summarize(result.graphql)
      const bare = summarize(result.bare)
      const cells = [
        result.name,
        graphql.requestsPerSecond.toFixed(0),
        graphql.p50Ms.toFixed(1),
        graphql.p99Ms.toFixed(1),
        bare.requestsPerSecond.toFixed(0),
        bare.p50Ms.toFixed(1),
        bare.p99Ms.toFixed(1),
        `${(graphql.requestsPerSecond / bare.requestsPerSecond).toFixed(2)}`,
      ]
      return `| ${cells.join(' | ')} |`
    }),
  ]
  const rounds = [
    '',
    'Per round (req/s, GraphQL / bare), and failures over all rounds:',
    '',
    ...results.map((result) => {
      const perRound = result.graphql
        .map(
          (run, index) => `${run.requestsPerSecond.toFixed(0)} / ${result.bare[index]?.requestsPerSecond.toFixed(0)}`,
        )
        .join(', ')
      return `- ${result.name}: ${perRound}; ${failures('GraphQL', result.graphql)}, ${failures('bare', result.bare)}`
    }),
  ]
  const checked = results.filter((result) => result.checks.length > 0)
  const checks =
    checked.length === 0
      ? []
      : [
          '',
          'Checkout runs use fresh carts, each sent once; after each run, orders made from its carts vs 2xx answers, and for online checkouts their STRIPE payments and the fake Stripe intents they point to (orders may exceed 2xx by requests the server finished after autocannon stopped counting):',
          '',
          ...checked.map((result) => {
            const failed = result.checks.filter((check) => !check.ok)
            const verdict = failed.length === 0 ? 'every 2xx placed a new order' : `${failed.length} runs MISMATCHED`
            const runs = result.checks
              .map((check) => `${check.side === 'graphql' ? 'GraphQL' : 'bare'} r${check.round} ${check.summary}`)
              .join('; ')
            return `- ${result.name}: ${verdict} (${runs})`
          }),
        ]
  const runs = results.length === 0 ? [] : [...table, ...rounds, ...checks]
  return `${[...header, ...runs, ...renderCeiling(ceiling), ...extra].join('\n')}\n`
}

function renderCeiling(ceiling: CeilingReport | null): string[] {
  if (!ceiling) return []
  const lines = ['', '## Hot-row ceiling', '']
  if (ceiling.result.kind === 'unavailable') {
    return [...lines, `- pgbench not run: ${ceiling.result.reason}`]
  }
  const { tps, clients, threads, seconds, version } = ceiling.result.ceiling
  const graphql = median(ceiling.scenario.graphql.map((run) => run.requestsPerSecond))
  const bare = median(ceiling.scenario.bare.map((run) => run.requestsPerSecond))
  const share = (rate: number) => `${((rate / tps) * 100).toFixed(1)}%`
  const verdict = (rate: number) => (rate / tps >= CEILING_TARGET ? 'meets' : 'below')
  return [
    ...lines,
    `- pgbench (${version}): the checkout's conditional stock UPDATE alone, on the hot SKU's row, one per transaction: ${clients} clients, ${threads} threads, ${seconds}s, prepared statements → **${tps.toFixed(0)} tps**`,
    `- ${ceiling.scenario.name} req/s ÷ pgbench tps: GraphQL ${graphql.toFixed(0)} / ${tps.toFixed(0)} = **${share(graphql)}** (${verdict(graphql)} the ${CEILING_TARGET * 100}% target); bare ${bare.toFixed(0)} / ${tps.toFixed(0)} = **${share(bare)}** (${verdict(bare)} the target)`,
  ]
}

export function renderStatementCounts(counts: readonly StatementCount[]): string[] {
  if (counts.length === 0) return []
  return [
    '',
    '## SQL statements per request',
    '',
    "One request of each side, sent alone before the runs, counted through createDb's onQuery hook (a counter increment, on for every run). A count that grows with the page size would be an N+1:",
    '',
    '| scenario | GraphQL | bare |',
    '| --- | ---: | ---: |',
    ...counts.map((count) => `| ${count.name} | ${count.graphql} | ${count.bare} |`),
  ]
}

export function renderBusyStore(busy: BusyStore): string[] {
  const { counts } = busy
  const open = counts.PLACED + counts.PREPARING + counts.READY_FOR_PICKUP
  return [
    '',
    '## The busy store',
    '',
    `- ${open} open orders (${counts.PLACED} PLACED, ${counts.PREPARING} PREPARING, ${counts.READY_FOR_PICKUP} READY_FOR_PICKUP; ${counts.arrived} customers at the counter; ${counts.lines} lines) over 40 pickup slots, made in ${(busy.buildMs / 1000).toFixed(1)} s through the services the mutations call: createCart and placeOrder in one transaction, then startPreparing / markReady / markArrived by the store's manager in another`,
    "- It is not the checkout scenarios' store, so their orders never reach this board; the fan-out places its orders here, after the storeOrders runs",
  ]
}

export function writeReport(path: string, markdown: string): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, markdown)
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10)
}

export function totalFailures(runs: readonly RunStats[]): number {
  return runs.reduce((sum, run) => sum + run.non2xx + run.errors, 0)
}

function summarize(runs: readonly RunStats[]) {
  return {
    requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
    p50Ms: median(runs.map((run) => run.p50Ms)),
    p99Ms: median(runs.map((run) => run.p99Ms)),
  }
}

function failures(side: string, runs: readonly RunStats[]): string {
  const non2xx = runs.reduce((sum, run) => sum + run.non2xx, 0)
  const errors = runs.reduce((sum, run) => sum + run.errors, 0)
  const requests = runs.reduce((sum, run) => sum + run.requests, 0)
  return `${side} ${requests} requests, ${non2xx} non-2xx, ${errors} errors`
}

/**
 * Where the CPU went, per request, median over the rounds. Server, load generator and PostgreSQL
 * share the machine: idle time under load means the requests were waiting (on a lock, a commit, a
 * round trip), not short of CPU.
 */
export function renderCpu(results: readonly ScenarioRuns[]): string[] {
  const rows = results.flatMap((scenario) =>
    (['graphql', 'bare'] as const).flatMap((side) => {
      const cpu = medianCpu(scenario[side])
      if (!cpu) return []
      const cells = [cpu.mainMs, cpu.otherThreadsMs, cpu.postgresMs, cpu.idleMs].map((ms) => ms.toFixed(2))
      return [`| ${scenario.name} | ${side === 'graphql' ? 'GraphQL' : 'bare'} | ${cells.join(' | ')} |`]
    }),
  )
  if (rows.length === 0) return []
  return [
    '',
    '## CPU per request',
    '',
    "Milliseconds of CPU per request during the measured runs (medians over the rounds), from /proc: the bench process's main thread (the server's event loop), its other threads (V8's garbage-collector helpers and autocannon's worker), all PostgreSQL processes, and the machine's idle time. Idle time under load is time every request was waiting (a lock, a commit, a round trip):",
    '',
    '| scenario | side | main thread | other threads | PostgreSQL | idle |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...rows,
  ]
}
