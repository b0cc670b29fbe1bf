import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { median, type RunStats } from './measure.js'

export interface Environment {
  date: Date
  nodeVersion: string
  /** process.env.NODE_ENV: graphql-js skips its development-only checks under "production". */
  nodeEnv: string | undefined
  cpuCount: number
  postgresVersion: string
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
}

export function renderReport(env: Environment, results: readonly ScenarioRuns[]): string {
  const header = [
    `# Benchmark: GraphQL vs bare routes, ${isoDate(env.date)}`,
    '',
    `- Node ${env.nodeVersion} (NODE_ENV ${env.nodeEnv ?? 'unset'}), ${env.cpuCount} CPUs, PostgreSQL ${env.postgresVersion}`,
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
  return `${[...header, ...table, ...rounds].join('\n')}\n`
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
