import type { Load, RunStats } from './measure.js'
import { median } from './measure.js'
import type { FreshLoad, RunCheck, Scenario } from './scenarios.js'

/** The same GraphQL load against the application on a direct pool and on a pool through PgBouncer. */
export interface PoolerSides {
  direct: string
  pooled: string
}

export type RunLoad = (
  baseUrl: string,
  load: Load | FreshLoad,
  label: string,
) => Promise<{ stats: RunStats; check: RunCheck | null }>

export interface PoolerRuns {
  name: string
  direct: RunStats[]
  pooled: RunStats[]
  checks: RunCheck[]
}

/** Rounds of each scenario's GraphQL side, direct then through the pooler, in the same process and database. */
export async function measurePooler(
  scenarios: readonly Scenario[],
  sides: PoolerSides,
  rounds: number,
  runLoad: RunLoad,
): Promise<PoolerRuns[]> {
  const results: PoolerRuns[] = scenarios.map((scenario) => ({
    name: scenario.name,
    direct: [],
    pooled: [],
    checks: [],
  }))
  for (let round = 1; round <= rounds; round++) {
    for (const [index, scenario] of scenarios.entries()) {
      const result = results[index] as PoolerRuns
      for (const side of ['direct', 'pooled'] as const) {
        const label = `round ${round}/${rounds} ${scenario.name} ${side === 'direct' ? 'direct' : 'through PgBouncer'}`
        const { stats, check } = await runLoad(sides[side], scenario.graphql, label)
        result[side].push(stats)
        if (check) result.checks.push(check)
      }
    }
  }
  return results
}

export function renderPooler(runs: readonly PoolerRuns[] | null, poolSize: number): string[] {
  if (!runs) return []
  const rows = runs.map((run) => {
    const direct = median(run.direct.map((stats) => stats.requestsPerSecond))
    const pooled = median(run.pooled.map((stats) => stats.requestsPerSecond))
    const p50 = (stats: RunStats[]) => median(stats.map((s) => s.p50Ms))
    const p99 = (stats: RunStats[]) => median(stats.map((s) => s.p99Ms))
    return `| ${run.name} | ${direct.toFixed(0)} | ${pooled.toFixed(0)} | ${(pooled / direct).toFixed(2)} | ${p50(run.direct)} / ${p99(run.direct)} | ${p50(run.pooled)} / ${p99(run.pooled)} |`
  })
  return [
    '## Behind PgBouncer (transaction pooling) vs direct',
    '',
    `GraphQL only. Direct: the application's pool straight to PostgreSQL, named prepared statements on. Through PgBouncer: Debian's pgbouncer in transaction mode (${poolSize} server connections) between the same pool size and the same server, reached over its Unix socket; DATABASE_POOL_MODE=transaction, so prepared statements off and lock_timeout by SET LOCAL. Medians of the rounds; the ratio is through PgBouncer ÷ direct.`,
    '',
    '| scenario | direct req/s | PgBouncer req/s | ratio | direct p50 / p99 ms | PgBouncer p50 / p99 ms |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ]
}
